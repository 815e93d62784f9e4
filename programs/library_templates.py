"""Starting programs for seven common conditions, each with its own safety box, in English and Spanish.

Items are (exercise slug, dosage in `poses.dose` short form, note); `es` holds the Spanish
title, summary, safety points and the notes in item order. Starting points for a
practitioner to adjust, not a diagnosis.
"""

from .poses import dose


def template(slug, title, *, summary, safety, items, es) -> dict:
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "safety": list(safety),
        "items": [{"exercise": exercise, **dose(dosage), "note": note} for exercise, dosage, note in items],
        "es": es,
    }


TEMPLATES = [
    template(
        "neck-pain",
        "Neck pain: move gently, build support",
        summary=(
            "A short daily routine for a stiff, sore neck: gentle movement in every direction, then the deep neck "
            "and shoulder-blade muscles that hold the head up. About ten minutes; stay in a comfortable range."
        ),
        safety=[
            "Stop and call us if pain, pins and needles or numbness spread down an arm, or a hand feels weak or clumsy.",
            "Seek urgent care for dizziness, double vision, slurred speech, trouble swallowing, or neck pain after a fall or collision.",
            "A neck pain with fever, or a sudden severe headache unlike any before, needs a doctor the same day.",
        ],
        items=[
            ("chin-nod-lying", "2x10 h5", "Start here on painful days."),
            ("cervical-rotation", "2x10 alternating", "Small turns to begin with."),
            ("cervical-side-bend", "2x8 h5 each", ""),
            ("scapular-setting", "2x10 h5", "Repeat a few times during the day at your desk."),
            ("thoracic-extension-chair", "2x8", ""),
            ("chin-tuck", "2x10 h5", ""),
        ],
        es={
            "title": "Dolor de cuello: moverse con suavidad y ganar sostén",
            "summary": (
                "Una rutina diaria corta para un cuello rígido y dolorido: movimiento suave en todas las direcciones y "
                "después los músculos profundos del cuello y de los omóplatos que sostienen la cabeza. Unos diez "
                "minutos; manténgase en un recorrido cómodo."
            ),
            "safety": [
                "Pare y llámenos si el dolor, el hormigueo o el adormecimiento bajan por un brazo, o si nota una mano débil o torpe.",
                "Acuda a urgencias si tiene mareo, visión doble, dificultad para hablar o tragar, o dolor de cuello tras una caída o un golpe.",
                "Un dolor de cuello con fiebre, o un dolor de cabeza repentino e intenso distinto de cualquier otro, requiere ver a un médico el mismo día.",
            ],
            "notes": [
                "Empiece por aquí los días de más dolor.",
                "Al principio, giros pequeños.",
                "",
                "Repítalo unas cuantas veces al día en su mesa de trabajo.",
                "",
                "",
            ],
        },
    ),
    template(
        "knee-osteoarthritis",
        "Knee osteoarthritis: stronger legs, easier knees",
        summary=(
            "Strength work for the thigh and hip muscles that take load off an arthritic knee, with movement to keep it "
            "bending and straightening. Do it most days; it gets easier over six to eight weeks."
        ),
        safety=[
            "Some aching while you exercise is expected and safe if it stays moderate and settles by the next day.",
            "Call us if the knee becomes hot, red and very swollen, locks, or keeps giving way.",
            "Seek urgent care for a painful, swollen calf, especially with breathlessness or chest pain.",
        ],
        items=[
            ("quad-set", "3x10 h5", "A warm-up for the thigh."),
            ("straight-leg-raise", "3x10", ""),
            ("seated-knee-extension", "3x10 h3 each", ""),
            ("sit-to-stand", "3x10", "Use a higher chair or your hands to begin with."),
            ("mini-squat", "3x10", "Hold the counter."),
            ("step-up", "3x10 each", "Start with a low step."),
            ("heel-raise", "3x15", ""),
        ],
        es={
            "title": "Artrosis de rodilla: piernas más fuertes, rodillas más cómodas",
            "summary": (
                "Trabajo de fuerza para los músculos del muslo y de la cadera que quitan carga a una rodilla con artrosis, "
                "con movimiento para que siga doblándose y estirándose. Hágalo casi todos los días; resulta más fácil "
                "en seis a ocho semanas."
            ),
            "safety": [
                "Es normal y seguro notar algo de molestia al hacer ejercicio si es moderada y se calma al día siguiente.",
                "Llámenos si la rodilla se pone caliente, roja y muy hinchada, se bloquea o falla una y otra vez.",
                "Acuda a urgencias si tiene la pantorrilla dolorida e hinchada, sobre todo con falta de aire o dolor en el pecho.",
            ],
            "notes": [
                "Un calentamiento para el muslo.",
                "",
                "",
                "Al principio, use una silla más alta o ayúdese con las manos.",
                "Sujétese a la encimera.",
                "Empiece con un escalón bajo.",
                "",
            ],
        },
    ),
    template(
        "patellofemoral-pain",
        "Pain at the front of the knee: hips and thighs",
        summary=(
            "For pain around or behind the kneecap: strengthening the hip muscles that keep the knee in line, and the "
            "thigh in ranges the kneecap tolerates. Progress the depth and the step height as the pain allows."
        ),
        safety=[
            "Pain up to a mild level during the exercises is acceptable; ease off if it is still there the next morning.",
            "While the knee is irritable, avoid deep squats, kneeling and sitting for long with the knees bent.",
            "Call us if the knee swells quickly, locks or gives way.",
        ],
        items=[
            ("clamshell", "3x12 each", ""),
            ("sidelying-hip-abduction", "3x10 each", ""),
            ("bridge", "3x10 h3", ""),
            ("straight-leg-raise", "3x10", ""),
            ("wall-sit", "3x h20", "Only as low as stays comfortable."),
            ("step-up", "3x10 each", "Knee in line with the second toe."),
        ],
        es={
            "title": "Dolor en la parte delantera de la rodilla: cadera y muslos",
            "summary": (
                "Para el dolor alrededor o detrás de la rótula: fortalecer los músculos de la cadera que mantienen la "
                "rodilla alineada, y el muslo en recorridos que la rótula tolera. Aumente la profundidad y la altura del "
                "escalón según lo permita el dolor."
            ),
            "safety": [
                "Un dolor leve durante los ejercicios es aceptable; reduzca si sigue ahí a la mañana siguiente.",
                "Mientras la rodilla esté irritada, evite las sentadillas profundas, arrodillarse y estar mucho tiempo sentado con las rodillas dobladas.",
                "Llámenos si la rodilla se hincha deprisa, se bloquea o falla.",
            ],
            "notes": [
                "",
                "",
                "",
                "",
                "Solo tan abajo como siga siendo cómodo.",
                "La rodilla en línea con el segundo dedo del pie.",
            ],
        },
    ),
    template(
        "ankle-sprain",
        "Ankle sprain: move, strengthen, balance",
        summary=(
            "From the first days after a sprain to getting back on your feet: movement to settle swelling, calf and "
            "ankle strength, then balance, which is what stops the next sprain. Add the balance work once you can walk."
        ),
        safety=[
            "Call us if you still cannot take four steps on the ankle after a few days, or the bony points of the ankle or foot are very tender.",
            "Swelling that keeps increasing, or a foot that turns numb, cold or a different colour, needs care the same day.",
            "Do the balance exercises beside a counter and stop if the ankle gives way.",
        ],
        items=[
            ("ankle-pumps", "2x20", "Foot raised in the first days."),
            ("ankle-alphabet", "1x2 each", ""),
            ("ankle-band-push", "3x15 each", ""),
            ("calf-stretch", "3x h30 each", ""),
            ("heel-raise", "3x15", "Both feet first, one foot later."),
            ("single-leg-balance", "3x h30 each", ""),
            ("tandem-stance", "3x h30 each", ""),
        ],
        es={
            "title": "Esguince de tobillo: moverse, fortalecer, equilibrarse",
            "summary": (
                "Desde los primeros días tras un esguince hasta volver a caminar con normalidad: movimiento para que baje "
                "la hinchazón, fuerza en la pantorrilla y el tobillo y después equilibrio, que es lo que evita el "
                "siguiente esguince. Añada el trabajo de equilibrio cuando pueda caminar."
            ),
            "safety": [
                "Llámenos si tras unos días aún no puede dar cuatro pasos apoyando el tobillo, o si los huesos del tobillo o del pie duelen mucho al tocarlos.",
                "Una hinchazón que no deja de aumentar, o un pie que se queda dormido, frío o cambia de color, requiere atención el mismo día.",
                "Haga los ejercicios de equilibrio junto a una encimera y pare si el tobillo falla.",
            ],
            "notes": [
                "Con el pie en alto los primeros días.",
                "",
                "",
                "",
                "Primero con los dos pies, más adelante con uno.",
                "",
                "",
            ],
        },
    ),
    template(
        "rotator-cuff-shoulder",
        "Shoulder pain: rotator cuff",
        summary=(
            "For shoulder pain from the rotator cuff: gentle movement first, then strength for the cuff and shoulder "
            "blade, which is what helps most over the following weeks. Build the band work up slowly."
        ),
        safety=[
            "An ache during and after the exercises is fine if it settles within an hour or so and your night pain is not getting worse.",
            "Call us if you suddenly cannot lift the arm after a fall or a jolt, or it becomes much weaker.",
            "Seek urgent care for shoulder or arm pain with chest pain, breathlessness or sweating: it can come from the heart.",
        ],
        items=[
            ("pendulum", "2x d30", "A gentle start."),
            ("table-slide", "2x10", ""),
            ("scapular-setting", "2x10 h5", ""),
            ("external-rotation-band", "3x12 each", "Start with the lightest band."),
            ("internal-rotation-band", "3x12 each", ""),
            ("wall-slide", "2x10", ""),
        ],
        es={
            "title": "Dolor de hombro: manguito rotador",
            "summary": (
                "Para el dolor de hombro del manguito rotador: primero movimiento suave y después fuerza para el "
                "manguito y el omóplato, que es lo que más ayuda en las semanas siguientes. Aumente poco a poco el "
                "trabajo con banda."
            ),
            "safety": [
                "Una molestia durante y después de los ejercicios está bien si se calma en una hora más o menos y el dolor nocturno no empeora.",
                "Llámenos si de repente no puede levantar el brazo tras una caída o un tirón, o si lo nota mucho más débil.",
                "Acuda a urgencias si el dolor de hombro o de brazo viene con dolor en el pecho, falta de aire o sudor: puede venir del corazón.",
            ],
            "notes": ["Un comienzo suave.", "", "", "Empiece con la banda más suave.", "", ""],
        },
    ),
    template(
        "hip-osteoarthritis",
        "Hip osteoarthritis: strength and confidence",
        summary=(
            "Strength for the buttock and thigh muscles that carry an arthritic hip, with balance to walk with confidence. "
            "Most days of the week; expect it to take six to eight weeks to feel the difference."
        ),
        safety=[
            "Mild aching that settles by the next day is fine; if the hip is worse the next morning, do fewer next time.",
            "Call us if the hip suddenly becomes much more painful or you cannot put weight through the leg.",
            "Seek urgent care for new hip pain after a fall, or hip pain with fever.",
        ],
        items=[
            ("bridge", "3x10 h3", ""),
            ("clamshell", "3x12 each", ""),
            ("standing-hip-abduction", "2x12 each", "Hold the counter."),
            ("sit-to-stand", "3x10", ""),
            ("mini-squat", "3x10", ""),
            ("single-leg-balance", "3x h30 each", "Beside the counter."),
            ("hamstring-stretch-strap", "3x h30 each", ""),
        ],
        es={
            "title": "Artrosis de cadera: fuerza y confianza",
            "summary": (
                "Fuerza para los músculos del glúteo y del muslo que sostienen una cadera con artrosis, y equilibrio "
                "para caminar con confianza. La mayoría de los días de la semana; cuente con seis a ocho semanas para "
                "notar la diferencia."
            ),
            "safety": [
                "Una molestia leve que se calma al día siguiente está bien; si la cadera está peor a la mañana siguiente, haga menos la próxima vez.",
                "Llámenos si la cadera duele de repente mucho más o no puede apoyar peso en la pierna.",
                "Acuda a urgencias si tiene un dolor de cadera nuevo tras una caída, o dolor de cadera con fiebre.",
            ],
            "notes": ["", "", "Sujétese a la encimera.", "", "", "Junto a la encimera.", ""],
        },
    ),
    template(
        "knee-replacement-early",
        "After a knee replacement: the first weeks",
        summary=(
            "The first weeks at home after a knee replacement: circulation, getting the thigh working, and regaining "
            "knee bend and straightening. Little and often, two or three times a day, alongside your surgical team's advice."
        ),
        safety=[
            "Your surgeon's and hospital team's instructions come first; these exercises add to them.",
            "Call us or your surgical team if the wound becomes red, hot or starts to ooze, or you develop a fever.",
            "Seek urgent care for a painful, swollen calf, or sudden breathlessness or chest pain: signs of a blood clot.",
        ],
        items=[
            ("ankle-pumps", "2x20", "Every hour while you are resting."),
            ("quad-set", "3x10 h5", ""),
            ("heel-slide", "2x10", ""),
            ("short-arc-quad", "3x10 h3", ""),
            ("straight-leg-raise", "3x10", "Only once you can lock the knee straight."),
            ("seated-knee-extension", "3x10 h3 each", ""),
        ],
        es={
            "title": "Tras una prótesis de rodilla: las primeras semanas",
            "summary": (
                "Las primeras semanas en casa tras una prótesis de rodilla: circulación, volver a activar el muslo y "
                "recuperar la flexión y la extensión de la rodilla. Poco y a menudo, dos o tres veces al día, junto con "
                "las indicaciones de su equipo quirúrgico."
            ),
            "safety": [
                "Las instrucciones de su cirujano y del equipo del hospital van primero; estos ejercicios se suman a ellas.",
                "Llámenos a nosotros o a su equipo quirúrgico si la herida se pone roja, caliente o empieza a supurar, o si tiene fiebre.",
                "Acuda a urgencias si tiene la pantorrilla dolorida e hinchada, o falta de aire o dolor en el pecho repentinos: pueden ser señales de un coágulo.",
            ],
            "notes": [
                "Cada hora mientras descansa.",
                "",
                "",
                "",
                "Solo cuando pueda bloquear la rodilla estirada.",
                "",
            ],
        },
    ),
]
