"""The shared library's exercises in Spanish (usted, as the handout's own words), by slug."""

EXERCISES = {
    "feet-and-shin-rolling": {
        "name": "Masaje rodante de pies y espinillas",
        "summary": (
            "Un automasaje suave de las plantas de los pies y la parte delantera de las espinillas. "
            "Aliviar la tensión en la parte baja de las piernas puede quitar parte de la carga de la zona lumbar."
        ),
        "steps": [
            "Siéntese en una silla o un taburete con los pies apoyados y una pelota de masaje o un rodillo pequeño en el suelo delante de usted.",
            "Apoye un pie sobre la pelota y hágala rodar despacio desde el talón hasta la base de los dedos y de vuelta.",
            "Presione solo tanto como le resulte cómodo: una molestia agradable está bien, un dolor agudo no.",
            "Cuando encuentre un punto sensible, deténgase ahí unas cuantas respiraciones lentas y deje que el pie se relaje antes de seguir.",
            "De rodillas o sentado, haga rodar la parte delantera y exterior de la espinilla sobre el rodillo, desde justo encima del tobillo hasta justo debajo de la rodilla.",
            "Termine con una pierna antes de pasar a la otra.",
        ],
        "cues": [
            "Lento y constante, no rápido ni fuerte",
            "Siga respirando mientras rueda",
            "Relájese en los puntos sensibles",
        ],
    },
    "side-plank": {
        "name": "Plancha lateral",
        "summary": (
            "Una postura de lado sobre el antebrazo que fortalece los músculos del costado del tronco y de la cadera. "
            "Unos costados fuertes ayudan a estabilizar la zona lumbar desde todas las direcciones, no solo desde delante."
        ),
        "steps": [
            "Túmbese de lado con el codo justo debajo del hombro y el antebrazo apoyado en el suelo.",
            "Ponga una pierna sobre la otra con las rodillas estiradas, o doble ambas rodillas a 90 grados para una versión más fácil.",
            "Suelte el aire y eleve la cadera hasta que el cuerpo forme una línea recta de la cabeza a los pies (o a las rodillas).",
            "Mantenga la posición respirando con normalidad; la cadera de arriba queda justo encima de la de abajo.",
            "Baje la cadera al suelo con suavidad, descanse y repita del otro lado.",
        ],
        "cues": [
            "Una línea larga de la cabeza a los talones",
            "Empuje el suelo con el antebrazo",
            "Que la cadera no se hunda ni se vaya hacia atrás",
            "Respire; no apriete en exceso",
        ],
    },
    "pelvic-floor-lengthening": {
        "name": "Relajación del suelo pélvico",
        "summary": (
            "Una respiración lenta y relajada que deja que los músculos del suelo pélvico se suelten y se alarguen en lugar de quedarse apretados. "
            "Un suelo pélvico que sabe tanto contraerse como soltarse quita presión a la zona lumbar y a las caderas."
        ),
        "steps": [
            "Arrodíllese con las rodillas separadas y los dedos gordos juntos, lleve la cadera hacia los talones y apoye el pecho hacia delante.",
            "Si le resulta incómodo, túmbese boca arriba con las rodillas dobladas y los pies apoyados en el suelo.",
            "Deje que la frente y los brazos pesen y que la barriga cuelgue suelta.",
            "Tome aire despacio por la nariz durante unos cinco segundos, dejando que la barriga, la espalda y la zona entre los isquiones se ensanchen y se suelten.",
            "Suelte el aire suavemente por la boca, sin empujar ni apretar, y deje que todo se asiente.",
        ],
        "cues": [
            "Suelte, no empuje",
            "Respire hacia abajo, hacia la barriga y la espalda",
            "Mandíbula suelta, barriga suelta",
        ],
    },
    "deep-squat": {
        "name": "Sentadilla profunda",
        "summary": (
            "Bajar a una sentadilla baja y relajada con los talones en el suelo. "
            "Abre las caderas y alarga con suavidad el suelo pélvico y la zona lumbar, recuperando una postura que apenas usamos."
        ),
        "steps": [
            "Póngase de pie con los pies algo más separados que la cadera y las puntas un poco hacia fuera.",
            "Lleve los brazos hacia delante para mantener el equilibrio, o sujétese a un banco firme, al marco de una puerta o a la encimera de la cocina.",
            "Doble la cadera y las rodillas y baje despacio, dejando que las rodillas vayan hacia fuera en la dirección de los pies.",
            "Baje tanto como pueda con comodidad sin levantar los talones; puede poner una toalla doblada bajo los talones.",
            "Mantenga la posición de abajo y respire, dejando que la zona lumbar y el suelo pélvico se relajen.",
            "Empuje con todo el pie para volver a ponerse de pie despacio.",
        ],
        "cues": [
            "Los talones pesan en el suelo",
            "Las rodillas siguen a los pies",
            "Relájese abajo y respire",
            "Use un apoyo si lo necesita",
        ],
    },
    "twists-and-side-bends": {
        "name": "Giros e inclinaciones laterales",
        "summary": (
            "Rotaciones e inclinaciones laterales sencillas, de pie, que mueven la columna en las direcciones que suele olvidar durante el día. "
            "Moverse en todos los sentidos mantiene la espalda flexible y con menos tendencia a agarrotarse."
        ),
        "steps": [
            "Póngase de pie, erguido, con los pies separados al ancho de la cadera y las rodillas sin bloquear.",
            "Levante los brazos a la altura de los hombros y gire despacio la parte superior del cuerpo hacia un lado, dejando que la cabeza la acompañe; después vuelva al centro.",
            "Mantenga la cadera mirando al frente para que el giro salga de las costillas y de la parte alta de la espalda.",
            "A continuación, deslice una mano por el costado de la pierna e inclínese suavemente hacia ese lado, llevando el otro brazo por encima de la cabeza.",
            "Vuelva a la posición de pie y repita ambos movimientos hacia el otro lado, siempre dentro de un recorrido cómodo.",
        ],
        "cues": [
            "Muévase despacio, sin rebotes",
            "La cadera queda quieta en el giro",
            "Crezca hacia arriba antes de inclinarse",
        ],
    },
    "foam-roller-inversion-rocking": {
        "name": "Balanceo con la pelvis sobre un rodillo",
        "summary": (
            "Tumbado boca arriba con un rodillo de espuma grande bajo la pelvis, de modo que la cadera quede algo más alta que el pecho, balancee las rodillas de un lado a otro. "
            "Descarga y masajea con suavidad el sacro y la zona lumbar tras un día sentado."
        ),
        "steps": [
            "Túmbese boca arriba en el suelo con las rodillas dobladas y un rodillo de espuma grande al alcance.",
            "Eleve la cadera y deslice el rodillo de lado a lado bajo la zona ósea plana de la base de la columna (el sacro), no bajo la curva de la zona lumbar.",
            "Apoye la pelvis en el rodillo y suba una rodilla y luego la otra por encima de la cadera.",
            "Con las rodillas juntas, déjelas balancearse despacio un poco hacia un lado y luego hacia el otro.",
            "Para terminar, apoye los pies en el suelo de uno en uno, eleve la cadera y retire el rodillo.",
        ],
        "cues": [
            "El rodillo bajo el sacro",
            "Balanceos pequeños y suaves",
            "Los hombros y la cabeza pesan",
        ],
    },
}

# The back-pain template's words, its notes in the order of its exercises.
TEMPLATE = {
    "title": "Dolor de espalda: el movimiento como medicina",
    "summary": (
        "Una rutina diaria suave para la zona lumbar dolorida que suelta los pies y la columna, fortalece los "
        "costados del tronco y enseña a la cadera y al suelo pélvico a soltarse. Empieza de pie y termina "
        "tumbado, y dura unos quince a veinte minutos. Manténgase en un recorrido cómodo y detenga cualquier "
        "ejercicio que agudice su dolor."
    ),
    "notes": [
        "Un calentamiento suave; haga rodar las espinillas después de los pies.",
        "Al principio, haga movimientos pequeños.",
        "Agárrese a una encimera o al marco de una puerta si necesita apoyo.",
        "Empiece con las rodillas dobladas si la versión completa le duele.",
        "Cinco respiraciones lentas.",
        "Una forma relajante de terminar la sesión.",
    ],
}
