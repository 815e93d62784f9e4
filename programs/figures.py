"""The library's drawings: a pose (segment angles and props) drawn as a stick figure in SVG.

Every exercise is drawn by this one renderer, so all share one proportion set, one line
weight and one palette. A pose is plain data (JSON on `Exercise.poses`):

    {"view": "side", "trunk": 180, "arm": [0, 0], "leg": [0, 0], "props": [{"kind": "chair"}]}

Angles are in degrees, measured from straight down and turning towards the way the body
faces in side view (to the right of the picture): 0 hangs down, 90 points forward, 180 up,
-90 back. `trunk` runs pelvis to shoulders, `head` shoulders to head, `arm` / `arm2` are
(upper arm, forearm) and `leg` / `leg2` are (thigh, shin[, foot]) of the near and far side.
In side view the far limbs are drawn paler behind the body; in front view ("view": "front")
they hang from shoulders and hips set apart across the trunk. The lowest point of the body
rests on the floor (raised by `lift`, e.g. standing on a step); props that bear the body
(chair, roller, step, ball) are fitted between it and the floor.

The markup is built here from numbers only; the one text, the title, is escaped.
"""

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 240, 200
FLOOR_Y = 186
MARGIN = 8
# One proportion set, in viewBox units (a standing figure is about 150 tall).
HEAD_R, NECK, TORSO = 10, 4, 50
UPPER_ARM, FOREARM = 28, 26
THIGH, SHIN, FOOT = 40, 38, 13
SHOULDER_HALF, HIP_HALF = 13, 8  # front view: how far the limbs hang from the midline
# One line weight for the body, one for props (both stay >= 2 px on a 240 px wide phone).
BODY_STROKE, PROP_STROKE = 7, 3.5
INK, FAR_INK, PROP_INK, PROP_FILL, ACCENT, PAPER = (
    "#1f2937",
    "#9ca3af",
    "#0f766e",
    "#ccfbf1",
    "#0f766e",
    "#ffffff",
)
PROP_KINDS = ("chair", "stool", "wall", "band", "roller", "step", "mat", "ball", "strap", "counter")


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def plus(self, angle: float, length: float) -> "Point":
        radians = math.radians(angle)
        return Point(self.x + length * math.sin(radians), self.y + length * math.cos(radians))

    def shifted(self, dx: float, dy: float) -> "Point":
        return Point(self.x + dx, self.y + dy)


def skeleton(pose: dict) -> dict[str, Point]:
    """The joints of a pose, pelvis at the origin, before it is set on the floor."""
    trunk = pose.get("trunk", 180)
    front = pose.get("view", "side") == "front"
    short = pose.get("short", {})
    pelvis = Point(0, 0)
    shoulder = pelvis.plus(trunk, TORSO)
    joints = {"pelvis": pelvis, "shoulder": shoulder}
    joints["head"] = shoulder.plus(pose.get("head", trunk), NECK + HEAD_R)
    across = trunk + 90  # the trunk's side-to-side line, seen from the front
    for side, sign in (("", 1), ("2", -1)):
        arm = pose.get("arm" + side) or pose.get("arm") or [0, 0]
        leg = pose.get("leg" + side) or pose.get("leg") or [0, 0]
        root_arm = shoulder.plus(across, sign * SHOULDER_HALF) if front else shoulder
        root_leg = pelvis.plus(across, sign * HIP_HALF) if front else pelvis
        joints["shoulder" + side] = root_arm
        joints["elbow" + side] = root_arm.plus(arm[0], UPPER_ARM * short.get("arm" + side, 1))
        fore = short.get("fore" + side, short.get("arm" + side, 1))
        joints["hand" + side] = joints["elbow" + side].plus(arm[1], FOREARM * fore)
        joints["hip" + side] = root_leg
        joints["knee" + side] = root_leg.plus(leg[0], THIGH * short.get("thigh" + side, 1))
        joints["ankle" + side] = joints["knee" + side].plus(leg[1], SHIN * short.get("shin" + side, 1))
        foot_angle = leg[2] if len(leg) > 2 else leg[1] + (-sign * 90 if front else 90)
        joints["toe" + side] = joints["ankle" + side].plus(foot_angle, FOOT * (0.5 if front else 1))
    return joints


def placed(pose: dict) -> dict[str, Point]:
    """The joints set on the floor and centred; a pose too big for the picture is shrunk (not its lines)."""
    joints = skeleton(pose)
    points = list(joints.values())
    lowest = max(
        max(p.y for p in points if p is not joints["head"]) + BODY_STROKE / 2, joints["head"].y + HEAD_R
    )
    dy = FLOOR_Y - pose.get("lift", 0) - lowest
    joints = {name: p.shifted(0, dy) for name, p in joints.items()}
    left, right, top = _extent(joints, pose)
    scale = min(1, (WIDTH - 2 * MARGIN) / max(right - left, 1), (FLOOR_Y - MARGIN) / max(FLOOR_Y - top, 1))
    centre = (left + right) / 2
    return {
        name: Point(WIDTH / 2 + (p.x - centre) * scale, FLOOR_Y - (FLOOR_Y - p.y) * scale)
        for name, p in joints.items()
    }


def _extent(joints: dict[str, Point], pose: dict) -> tuple[float, float, float]:
    xs = [p.x for p in joints.values()]
    ys = [p.y for p in joints.values()]
    head = joints["head"]
    xs += [head.x - HEAD_R, head.x + HEAD_R]
    ys.append(head.y - HEAD_R)
    for prop in pose.get("props", []):
        for p in _prop_anchor_points(prop, joints):
            xs.append(p.x)
            ys.append(p.y)
    return min(xs) - BODY_STROKE, max(xs) + BODY_STROKE, min(ys) - BODY_STROKE


def _prop_anchor_points(prop: dict, joints: dict[str, Point]) -> list[Point]:
    """The points a prop reaches beyond the body, so the picture is framed to hold them."""
    kind, pelvis = prop["kind"], joints["pelvis"]
    if kind in ("wall", "counter"):
        x = _at(prop.get("at", "pelvis"), joints).x + prop.get("dx", 0)
        return [Point(x, FLOOR_Y - prop.get("height", 150))]
    if kind == "band" and isinstance(prop.get("to"), list):
        dx, height = prop["to"]
        return [Point(pelvis.x + dx, FLOOR_Y - height)]
    if kind == "chair":
        x = pelvis.x + prop.get("dx", 0)
        return [Point(x - 22, pelvis.y - 45), Point(x + 20, pelvis.y)]
    if kind in ("stool", "step"):
        at = _at(prop.get("at", "pelvis" if kind == "stool" else "toe"), joints)
        return [Point(at.x - 24, at.y), Point(at.x + 24, at.y)]
    return []


def _at(where, joints: dict[str, Point]) -> Point:
    """A joint by name, or [joint, joint, t]: the point t of the way from one to the other."""
    if isinstance(where, str):
        return joints[where]
    a, b, t = joints[where[0]], joints[where[1]], where[2]
    return Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)


# --- markup: numbers only ---------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _line(points, stroke: str, width: float) -> str:
    d = "M" + "L".join(f"{_n(p.x)} {_n(p.y)}" for p in points)
    return f'<path d="{d}" stroke="{stroke}" stroke-width="{_n(width)}" fill="none"/>'


def _rect(x, y, w, h, *, rx=2) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(max(h, 0))}" rx="{_n(rx)}" '
        f'fill="{PROP_FILL}" stroke="{PROP_INK}" stroke-width="{_n(PROP_STROKE)}"/>'
    )


def _circle(c: Point, r: float, *, fill=PROP_FILL, stroke=PROP_INK, width=PROP_STROKE) -> str:
    return f'<circle cx="{_n(c.x)}" cy="{_n(c.y)}" r="{_n(r)}" fill="{fill}" stroke="{stroke}" stroke-width="{_n(width)}"/>'


def _prop(prop: dict, joints: dict[str, Point]) -> list[str]:
    kind = prop["kind"]
    pelvis = joints["pelvis"]
    if kind == "mat":
        xs = [p.x for p in joints.values()]
        return [_rect(min(xs) - 14, FLOOR_Y - 3, max(xs) - min(xs) + 28, 5, rx=2.5)]
    if kind == "chair":  # under the pelvis, or left behind at `seat` height when the body has stood up
        seat = FLOOR_Y - prop["seat"] if "seat" in prop else pelvis.y + BODY_STROKE / 2 + 2
        back = pelvis.x - 20 + prop.get("dx", 0)
        pelvis = Point(pelvis.x + prop.get("dx", 0), pelvis.y)
        return [
            _line([Point(back, seat - 48), Point(back, FLOOR_Y)], PROP_INK, PROP_STROKE),
            _line(
                [Point(back, seat), Point(pelvis.x + 20, seat), Point(pelvis.x + 20, FLOOR_Y)],
                PROP_INK,
                PROP_STROKE,
            ),
        ]
    if kind == "stool":
        at = _at(prop.get("at", "pelvis"), joints)
        top, half = at.y + BODY_STROKE / 2 + 2, prop.get("half", 22)
        left, right = at.x - half, at.x + half
        seat = [Point(left, FLOOR_Y), Point(left, top), Point(right, top), Point(right, FLOOR_Y)]
        return [_line(seat, PROP_INK, PROP_STROKE)]
    if kind == "step":
        at = _at(prop.get("at", "toe"), joints)
        top = at.y + BODY_STROKE / 2
        half = prop.get("half", 22)
        return [_rect(at.x - half + prop.get("dx", 0), top, 2 * half, FLOOR_Y - top)]
    if kind in ("roller", "ball"):
        at = _at(prop.get("at", "pelvis"), joints)
        if "r" in prop:  # held or squeezed: drawn where it is
            return [_circle(at, prop["r"])]
        r = max((FLOOR_Y - at.y - BODY_STROKE / 2) / 2, 4)
        return [_circle(Point(at.x + prop.get("dx", 0), FLOOR_Y - r), r)]
    if kind in ("wall", "counter"):
        x = _at(prop.get("at", "pelvis"), joints).x + prop.get("dx", 0)
        top = FLOOR_Y - prop.get("height", 150)
        if kind == "counter":  # a table or kitchen counter, its near edge at x, drawn in lines
            far = x + 40 if prop.get("dx", 0) >= 0 else x - 40
            table = [Point(x, FLOOR_Y), Point(x, top), Point(far, top), Point(far, FLOOR_Y)]
            return [_line(table, PROP_INK, PROP_STROKE)]
        return [_line([Point(x, top), Point(x, FLOOR_Y)], PROP_INK, PROP_STROKE + 1)]
    if kind in ("band", "strap"):
        start = _at(prop.get("from", "hand"), joints)
        to = prop.get("to", "toe")
        if isinstance(to, list):
            end = Point(pelvis.x + to[0], FLOOR_Y - to[1])
            return [_line([start, end], ACCENT, PROP_STROKE), _circle(end, 4, fill=PROP_INK, width=0)]
        return [_line([start, _at(to, joints)], ACCENT, PROP_STROKE)]
    raise ValueError(f"unknown prop {kind!r}; one of {PROP_KINDS}")


def _body(pose: dict, joints: dict[str, Point]) -> list[str]:
    front = pose.get("view", "side") == "front"
    far_ink = INK if front else FAR_INK
    marks = []
    for side, ink in (("2", far_ink), ("", INK)):
        marks.append(
            _line(
                [joints["hip" + side], joints["knee" + side], joints["ankle" + side], joints["toe" + side]],
                ink,
                BODY_STROKE,
            )
        )
        if side == "2":
            marks.append(
                _line(
                    [joints["shoulder" + side], joints["elbow" + side], joints["hand" + side]],
                    ink,
                    BODY_STROKE,
                )
            )
        if side == "2":
            marks.append(_torso(pose, joints, front))
    marks.append(_line([joints["shoulder"], joints["elbow"], joints["hand"]], INK, BODY_STROKE))
    head = joints["head"]
    marks.append(_circle(head, HEAD_R, fill=INK, stroke=INK, width=0))
    marks.append(_circle(_face(pose, head, front), 2.2, fill=PAPER, stroke=PAPER, width=0))
    return marks


def _torso(pose: dict, joints: dict[str, Point], front: bool) -> str:
    pelvis, shoulder = joints["pelvis"], joints["shoulder"]
    spine = _line([joints["shoulder2"], joints["shoulder"]], INK, BODY_STROKE) if front else ""
    hips = _line([joints["hip2"], joints["hip"]], INK, BODY_STROKE) if front else ""
    arch = pose.get("arch", 0)  # + rounds the back, - hollows it (side view)
    middle = Point((pelvis.x + shoulder.x) / 2, (pelvis.y + shoulder.y) / 2)
    bend = middle.plus(pose.get("trunk", 180) - 90, 2 * arch)
    d = f"M{_n(pelvis.x)} {_n(pelvis.y)}Q{_n(bend.x)} {_n(bend.y)} {_n(shoulder.x)} {_n(shoulder.y)}"
    torso = f'<path d="{d}" stroke="{INK}" stroke-width="{_n(BODY_STROKE)}" fill="none"/>'
    return hips + spine + torso


def _face(pose: dict, head: Point, front: bool) -> Point:
    """A small light mark on the head where the face looks, so lying on the back and front differ."""
    if front:
        return head.shifted(pose.get("look", 0) * 6, 1)
    return head.plus(pose.get("head", pose.get("trunk", 180)) - 90, HEAD_R * 0.55)


def render_pose(pose: dict, *, title: str = "") -> str:
    """One pose as a standalone SVG document (240 wide, up to 200 tall), titled for assistive technology."""
    joints = placed(pose)
    props = pose.get("props", [])
    under = [mark for prop in props if prop["kind"] in ("mat",) for mark in _prop(prop, joints)]
    behind = [mark for prop in props if prop["kind"] not in ("mat",) for mark in _prop(prop, joints)]
    floor = _line([Point(MARGIN, FLOOR_Y + 1.5), Point(WIDTH - MARGIN, FLOOR_Y + 1.5)], FAR_INK, PROP_STROKE)
    # Cropped above the tallest point: the width (so the scale) is the same for every pose,
    # and a figure lying down does not sit under an empty sky.
    top = max(0, math.floor(_extent(joints, pose)[2] - MARGIN))
    height = HEIGHT - top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 {top} {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img">',
        f"<title>{escape(title)}</title>" if title else "",
        '<g stroke-linecap="round" stroke-linejoin="round">',
        floor,
        *under,
        *behind,
        *_body(pose, joints),
        "</g></svg>",
    ]
    return "".join(parts)
