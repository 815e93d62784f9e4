"""The shared exercise library and its first template, written for Rehabit from the back-pain article in shared/seed."""

from . import library_es, library_legs, library_lower, library_upper
from .poses import HOOK, KNEEL, SIDE_LYING, SIT, STAND, STAND_FRONT, pose

# The template's title, summary and notes (in the order of its items) in other languages.
TEMPLATE_TRANSLATIONS = {"es": library_es.TEMPLATE}

ARTICLE_EXERCISES = [
    {
        "slug": "feet-and-shin-rolling",
        "name": "Feet and shin rolling",
        "summary": (
            "A gentle self-massage for the soles of your feet and the fronts of your shins. "
            "Easing tension low down in the legs can take some of the strain off your lower back."
        ),
        "steps": [
            "Sit on a chair or stool with your feet flat and a massage ball or small roller on the floor in front of you.",
            "Place one foot on the ball and slowly roll it from your heel to the base of your toes and back again.",
            "Press only as firmly as feels comfortable: a pleasant ache is fine, sharp pain is not.",
            "When you find a tender spot, pause there for a few slow breaths and let the foot soften before moving on.",
            "Kneel or sit and roll the front and outer side of your shin on the roller, from just above the ankle to just below the knee.",
            "Finish on one leg before switching to the other side.",
        ],
        "cues": [
            "Slow and steady, not fast and hard",
            "Keep breathing while you roll",
            "Soften into tender spots",
        ],
        "equipment": "Massage ball or small roller",
        "tags": ["mobility", "self-massage", "warm-up"],
        "sets": 1,
        "reps": None,
        "hold_seconds": None,
        "duration_seconds": 90,
        "side": "each",
        "region": "ankle-foot",
        "position": "sitting",
        "level": 1,
        "end_step": 1,
        "harder": [],
        "poses": {
            "start": pose(SIT, leg=[105, 15], props=[{"kind": "ball", "at": ["ankle", "toe", 0.7]}]),
            "end": pose(SIT, leg=[112, 30], props=[{"kind": "ball", "at": ["ankle", "toe", 0.1]}]),
        },
    },
    {
        "slug": "side-plank",
        "name": "Side plank",
        "summary": (
            "A side-lying hold on your forearm that strengthens the muscles along the side of your trunk and hip. "
            "Strong sides help to steady your lower back from every direction, not just the front."
        ),
        "steps": [
            "Lie on your side with your elbow directly under your shoulder and your forearm flat on the floor.",
            "Stack your legs with your knees straight, or bend both knees to 90 degrees for an easier version.",
            "Breathe out and lift your hips until your body forms a straight line from your head to your feet (or knees).",
            "Hold the position while breathing normally; keep your top hip stacked over the bottom one.",
            "Lower your hips gently to the floor, rest, then repeat on the other side.",
        ],
        "cues": [
            "Long line from head to heels",
            "Push the floor away with your forearm",
            "Don't let the hips sag or roll back",
            "Breathe; don't brace hard",
        ],
        "equipment": "Exercise mat (optional)",
        "tags": ["strength", "core", "stability"],
        "sets": 3,
        "reps": None,
        "hold_seconds": 20,
        "duration_seconds": None,
        "side": "each",
        "region": "lower-back",
        "position": "lying-side",
        "level": 3,
        "end_step": 2,
        "harder": [],
        "poses": {
            "start": pose(
                SIDE_LYING, trunk=-124, head=-110, arm=[0, -80], arm2=[60, 60], props=[{"kind": "mat"}]
            ),
            "end": pose(
                SIDE_LYING,
                trunk=-102,
                head=-102,
                arm=[0, -80],
                arm2=[180, 180],
                leg=[78, 78],
                leg2=[78, 78],
                props=[{"kind": "mat"}],
            ),
        },
    },
    {
        "slug": "pelvic-floor-lengthening",
        "name": "Pelvic floor lengthening",
        "summary": (
            "Slow, relaxed breathing that lets the pelvic floor muscles soften and lengthen instead of staying clenched. "
            "A pelvic floor that can both tighten and let go takes pressure off the lower back and hips."
        ),
        "steps": [
            "Kneel with your knees wide and big toes together, then sit your hips back towards your heels and rest your chest forward.",
            "If that is uncomfortable, lie on your back with your knees bent and your feet flat instead.",
            "Let your forehead and arms rest heavily, and allow your tummy to hang loose.",
            "Breathe in slowly through your nose for about five seconds, letting your belly, back and the area between your sit bones widen and soften.",
            "Breathe out gently through your mouth without pushing or squeezing, and let everything settle.",
        ],
        "cues": [
            "Let go, don't push",
            "Breathe low into your belly and back",
            "Soft jaw, soft tummy",
        ],
        "equipment": "Exercise mat (optional)",
        "tags": ["breathing", "relaxation", "pelvic-floor"],
        "sets": 1,
        "reps": 5,
        "hold_seconds": 5,
        "duration_seconds": None,
        "side": "",
        "region": "lower-back",
        "position": "kneeling",
        "level": 1,
        "end_step": 3,
        "harder": [],
        "poses": {
            "start": pose(
                KNEEL,
                leg=[80, -90, -90],
                leg2=[80, -90, -90],
                arm=[20, 80],
                arm2=[20, 80],
                props=[{"kind": "mat"}],
            ),
            "end": pose(
                KNEEL,
                trunk=72,
                head=65,
                leg=[40, -90, -90],
                leg2=[40, -90, -90],
                arm=[105, 92],
                arm2=[105, 92],
                props=[{"kind": "mat"}],
            ),
        },
    },
    {
        "slug": "deep-squat",
        "name": "Deep squat",
        "summary": (
            "Sinking down into a low, relaxed squat with your heels on the floor. "
            "It opens the hips and gently lengthens the pelvic floor and lower back, restoring a position we rarely use."
        ),
        "steps": [
            "Stand with your feet a little wider than your hips and your toes turned slightly out.",
            "Reach your arms forward for balance, or hold onto a sturdy bench, door frame or kitchen counter.",
            "Bend your hips and knees and lower yourself slowly, letting your knees travel out over your toes.",
            "Go as low as you comfortably can while keeping your heels down; a folded towel under the heels is fine.",
            "Hold the bottom position and breathe, letting your lower back and pelvic floor relax.",
            "Push through your whole foot to stand back up slowly.",
        ],
        "cues": [
            "Heels stay heavy",
            "Knees follow your toes",
            "Relax at the bottom and breathe",
            "Use support if you need it",
        ],
        "equipment": "",
        "tags": ["mobility", "strength", "hips"],
        "sets": 3,
        "reps": 5,
        "hold_seconds": 10,
        "duration_seconds": None,
        "side": "",
        "region": "hip",
        "position": "standing",
        "level": 2,
        "end_step": 3,
        "harder": [],
        "poses": {
            "start": pose(STAND, arm=[90, 90], arm2=[90, 90]),
            "end": pose(
                STAND, trunk=150, head=165, leg=[100, -28], leg2=[100, -28], arm=[95, 95], arm2=[95, 95]
            ),
        },
    },
    {
        "slug": "twists-and-side-bends",
        "name": "Twists and side bends",
        "summary": (
            "Easy standing rotations and side bends that move your spine in the directions it often misses during the day. "
            "Moving through every plane keeps the back supple and less likely to stiffen up."
        ),
        "steps": [
            "Stand tall with your feet hip-width apart and your knees soft.",
            "Lift your arms to shoulder height and slowly turn your upper body to one side, letting your head follow, then return to the middle.",
            "Keep your hips facing forward so the turn comes from your ribs and upper back.",
            "Next, slide one hand down the side of your leg and lean gently sideways, reaching the other arm overhead.",
            "Come back to standing and repeat both movements to the other side, staying within a comfortable range.",
        ],
        "cues": [
            "Move slowly, never bounce",
            "Hips stay square for the twist",
            "Grow tall before you bend",
        ],
        "equipment": "",
        "tags": ["mobility", "spine", "warm-up"],
        "sets": 2,
        "reps": 8,
        "hold_seconds": None,
        "duration_seconds": None,
        "side": "each",
        "region": "lower-back",
        "position": "standing",
        "level": 1,
        "end_step": 3,
        "harder": [],
        "poses": {
            "start": pose(STAND_FRONT, arm=[-90, -90], arm2=[90, 90]),
            "end": pose(STAND_FRONT, trunk=158, head=160, arm=[-10, -5], arm2=[150, 165]),
        },
    },
    {
        "slug": "foam-roller-inversion-rocking",
        "name": "Foam roller inversion rocking",
        "summary": (
            "Lying on your back with a large foam roller under your pelvis so your hips sit a little higher than your chest, rocking your knees side to side. "
            "It gently unloads and massages the sacrum and lower back after a day of sitting."
        ),
        "steps": [
            "Lie on your back on the floor with your knees bent and a large foam roller within reach.",
            "Lift your hips and slide the roller across your body under the flat bony area at the base of your spine (the sacrum), not under your lower back's curve.",
            "Rest your pelvis on the roller, then bring one knee and then the other up over your hips.",
            "Keeping your knees together, let them rock slowly a little way to one side and then the other.",
            "To finish, place your feet back on the floor one at a time, lift your hips and slide the roller out.",
        ],
        "cues": [
            "Roller under the sacrum",
            "Small, easy rocks",
            "Shoulders and head stay heavy",
        ],
        "equipment": "Large foam roller",
        "tags": ["mobility", "decompression", "self-massage", "cool-down"],
        "sets": 1,
        "reps": None,
        "hold_seconds": None,
        "duration_seconds": 60,
        "side": "alternating",
        "region": "lower-back",
        "position": "lying-back",
        "level": 1,
        "end_step": 2,
        "harder": [],
        "poses": {
            "start": pose(HOOK, trunk=-70, head=-100, props=[{"kind": "roller", "at": "pelvis"}]),
            "end": pose(
                HOOK,
                trunk=-70,
                head=-100,
                leg=[175, 90, 170],
                leg2=[175, 90, 170],
                props=[{"kind": "roller", "at": "pelvis"}],
            ),
        },
    },
]

PICTURE_WORDS = {
    "en": ("Start position: ", "End position: "),
    "es": ("Posición inicial: ", "Posición final: "),
}


def _assembled(specs: list[dict], spanish: dict[str, dict]) -> tuple[list[dict], dict]:
    """The seed's rows, pictures and their alt text included, and their Spanish words by slug."""
    rows, words = [], {}
    for spec in specs:
        spec = dict(spec)
        slug = spec["slug"]
        es = dict(spec.pop("es", None) or spanish[slug])
        end_step = spec.pop("end_step", 1)
        spec["illustration"] = f"programs/illustrations/{slug}-start.svg"
        spec["illustration_end"] = f"programs/illustrations/{slug}-end.svg"
        for language, texts in (("en", spec), ("es", es)):
            start, end = PICTURE_WORDS[language]
            texts["illustration_alt"] = start + texts["steps"][0]
            texts["illustration_end_alt"] = end + texts["steps"][end_step]
        rows.append(spec)
        words[slug] = es
    return rows, words


EXERCISES, _SPANISH = _assembled(
    ARTICLE_EXERCISES + library_upper.EXERCISES + library_lower.EXERCISES + library_legs.EXERCISES,
    library_es.EXERCISES,
)
# The exercises' words in other languages, by language and slug.
TRANSLATIONS = {"es": _SPANISH}

TEMPLATE = {
    "slug": "back-pain-movement-as-medicine",
    "title": "Back pain: movement as medicine",
    "summary": (
        "A gentle daily routine for an aching lower back that loosens the feet and spine, strengthens the sides of your trunk "
        "and teaches the hips and pelvic floor to let go. It starts on your feet and finishes lying down, and takes "
        "around fifteen to twenty minutes. Stay in a comfortable range and stop any exercise that sharpens your pain."
    ),
    "items": [
        {
            "exercise": "feet-and-shin-rolling",
            "sets": 1,
            "reps": None,
            "hold_seconds": None,
            "duration_seconds": 90,
            "side": "each",
            "note": "A gentle warm-up; roll the shins after the feet.",
        },
        {
            "exercise": "twists-and-side-bends",
            "sets": 2,
            "reps": 8,
            "hold_seconds": None,
            "duration_seconds": None,
            "side": "each",
            "note": "Keep the movements small to begin with.",
        },
        {
            "exercise": "deep-squat",
            "sets": 3,
            "reps": 5,
            "hold_seconds": 10,
            "duration_seconds": None,
            "side": "",
            "note": "Hold onto a counter or door frame if you need support.",
        },
        {
            "exercise": "side-plank",
            "sets": 3,
            "reps": None,
            "hold_seconds": 20,
            "duration_seconds": None,
            "side": "each",
            "note": "Start with bent knees if the full version hurts.",
        },
        {
            "exercise": "pelvic-floor-lengthening",
            "sets": 1,
            "reps": 5,
            "hold_seconds": 5,
            "duration_seconds": None,
            "side": "",
            "note": "Five slow breaths.",
        },
        {
            "exercise": "foam-roller-inversion-rocking",
            "sets": 1,
            "reps": None,
            "hold_seconds": None,
            "duration_seconds": 60,
            "side": "alternating",
            "note": "A relaxing way to finish the session.",
        },
    ],
}
