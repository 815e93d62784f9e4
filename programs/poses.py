"""Base positions the library's poses start from (see figures.py for what the angles mean)."""

STAND = {"trunk": 180, "head": 180, "arm": [4, 8], "arm2": [-4, -2], "leg": [0, 0], "leg2": [0, 0]}
STAND_FRONT = {
    "view": "front",
    "trunk": 180,
    "head": 180,
    "arm": [-8, -4],
    "arm2": [8, 4],
    "leg": [-3, 0],
    "leg2": [3, 0],
}
SIT = {
    "trunk": 180,
    "head": 180,
    "arm": [20, 90],
    "arm2": [20, 90],
    "leg": [90, 0],
    "leg2": [90, 0],
    "props": [{"kind": "chair"}],
}
LONG_SIT = {
    "trunk": 172,
    "head": 172,
    "arm": [-25, -25],
    "arm2": [-25, -25],
    "leg": [90, 90, 180],
    "leg2": [90, 90, 180],
}
SUPINE = {
    "trunk": -90,
    "head": -103,
    "arm": [90, 90],
    "arm2": [90, 90],
    "leg": [90, 90, 180],
    "leg2": [90, 90, 180],
}
HOOK = {**SUPINE, "leg": [140, 35, 90], "leg2": [140, 35, 90]}
PRONE = {
    "trunk": 90,
    "head": 100,
    "arm": [-90, -90],
    "arm2": [-90, -90],
    "leg": [-90, -90, -90],
    "leg2": [-90, -90, -90],
}
FOURS = {"trunk": 104, "head": 95, "arm": [0, 0], "arm2": [0, 0], "leg": [0, -90, -90], "leg2": [0, -90, -90]}
KNEEL = {
    "trunk": 180,
    "head": 180,
    "arm": [4, 8],
    "arm2": [-4, -2],
    "leg": [0, -90, -90],
    "leg2": [0, -90, -90],
}
HALF_KNEEL = {
    "trunk": 180,
    "head": 180,
    "arm": [10, 10],
    "arm2": [10, 10],
    "leg": [90, 0],
    "leg2": [-15, -90, -90],
}
SIT_FRONT = {
    "view": "front",
    "trunk": 180,
    "head": 180,
    "arm": [-8, 20],
    "arm2": [8, -20],
    "leg": [-40, 0],
    "leg2": [40, 0],
    "short": {"thigh": 0.35, "thigh2": 0.35},
    "props": [{"kind": "stool", "half": 30}],
}
# Lying on the side, seen from the front: "leg"/"arm" are the lower limbs, "leg2"/"arm2" the upper.
SIDE_LYING = {
    "view": "front",
    "trunk": -90,
    "head": -90,
    "arm": [-90, -90],
    "arm2": [90, 90],
    "leg": [90, 90],
    "leg2": [90, 90],
}


def pose(base: dict, **changes) -> dict:
    """A copy of `base` with `changes`; props are added to the base's, not swapped for them."""
    props = [*base.get("props", []), *changes.pop("props", [])]
    result = {**base, **changes}
    if props:
        result["props"] = props
    return result


def dose(text: str) -> dict:
    """A default dosage from its short form: "3x10", "3x10 h5 each", "2x h30 each", "1x d60 alternating"."""
    fields = {"sets": 1, "reps": None, "hold_seconds": None, "duration_seconds": None, "side": ""}
    for word in text.split():
        if "x" in word:
            sets, _, reps = word.partition("x")
            fields["sets"], fields["reps"] = int(sets), int(reps) if reps else None
        elif word[0] == "h":
            fields["hold_seconds"] = int(word[1:])
        elif word[0] == "d":
            fields["duration_seconds"] = int(word[1:])
        else:
            fields["side"] = word
    return fields


def entry(
    slug,
    name,
    *,
    region,
    position,
    level,
    equipment="",
    dosage,
    summary,
    steps,
    cues,
    start,
    end,
    es,
    harder=(),
    tags=(),
    end_step=1,
) -> dict:
    """One library exercise as the seed writes it; `es` holds its Spanish words."""
    return {
        "slug": slug,
        "name": name,
        "summary": summary,
        "steps": list(steps),
        "cues": list(cues),
        "region": region,
        "position": position,
        "level": level,
        "equipment": equipment,
        "tags": list(tags),
        **dose(dosage),
        "poses": {"start": start, "end": end},
        "end_step": end_step,
        "harder": list(harder),
        "es": es,
    }
