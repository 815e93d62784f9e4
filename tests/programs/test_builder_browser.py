"""The builder in headless Chromium: a row dragged to the top, a dosage typed in its row."""

import pytest
from playwright.sync_api import expect

from programs.models import Program
from tests.conftest import sign_in_by_cookie
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = ["Heel slide", "Thigh squeeze", "Mini squat", "Step-up", "Wall sit"]


@pytest.fixture
def knee(alice_practice):
    program = Program.objects.create(practice=alice_practice, title="Knee", is_template=True)
    for position, name in enumerate(NAMES):
        program.items.create(
            exercise=ExerciseFactory(name=name, region="knee"), position=position, sets=2, reps=10
        )
    return program


@pytest.fixture
def builder(chromium, live_server, alice, knee):
    # Tall enough that the first and the last row are both on the screen to drag between.
    context = chromium.new_context(viewport={"width": 1280, "height": 1600})
    sign_in_by_cookie(context, live_server, alice)
    page = context.new_page()
    page.goto(f"{live_server.url}/programs/{knee.pk}/")
    page.wait_for_function("() => Boolean(document.querySelector('[data-sortable]')?.sortable)")
    return page


def shown(page) -> list[str]:
    return page.locator(".builder-item .item-name").all_inner_texts()


def saved(knee) -> list[str]:
    return [item.exercise.name for item in knee.items.order_by("position", "id")]


def test_a_practitioner_drags_the_last_exercise_to_the_top_and_the_order_is_saved(builder, knee):
    # A move by button first: the list is swapped in by htmx, and must still be draggable.
    builder.get_by_role("button", name="Move Heel slide down").click()
    expect(builder.locator(".builder-item .item-name").first).to_have_text("Thigh squeeze")
    builder.wait_for_function("() => Boolean(document.querySelector('[data-sortable]')?.sortable)")
    grip = builder.locator(".builder-item").last.locator(".grip").bounding_box()
    top = builder.locator(".builder-item").first.bounding_box()

    builder.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    builder.mouse.down()
    builder.mouse.move(grip["x"] + 5, grip["y"] - 30, steps=5)
    builder.mouse.move(top["x"] + 20, top["y"] + 10, steps=20)
    with builder.expect_response(lambda response: "/order/" in response.url) as answer:
        builder.mouse.up()

    assert answer.value.ok
    expect(builder.locator(".builder-item .item-name").first).to_have_text("Wall sit")
    after = ["Wall sit", "Thigh squeeze", "Heel slide", "Mini squat", "Step-up"]
    assert saved(knee) == after
    builder.reload()
    assert shown(builder) == after


def test_a_practitioner_types_a_dosage_in_the_row_and_sees_it_saved_then_a_bad_one_named(builder, knee):
    row = builder.locator(".builder-item").nth(2)

    row.get_by_label("Reps").fill("15")
    row.get_by_label("Hold (s)").fill("5")
    row.get_by_label("Hold (s)").press("Tab")

    expect(builder.locator(".builder-item").nth(2).locator(".dosage-text")).to_have_text(
        "2 sets of 15 · hold 5 s · saved"
    )
    squat = knee.items.get(exercise__name="Mini squat")
    assert (squat.reps, squat.hold_seconds) == (15, 5)
    assert builder.evaluate("document.activeElement.name") == f"item-{squat.pk}-duration_seconds"

    row = builder.locator(".builder-item").nth(2)
    row.get_by_label("Sets").fill("0")
    row.get_by_label("Sets").press("Tab")

    error = builder.locator(".builder-item").nth(2).locator(".field-error")
    expect(error).to_have_text("Sets: Ensure this value is greater than or equal to 1.")
    squat.refresh_from_db()
    assert squat.sets == 2
    assert not builder.locator(".save-dosage").first.is_visible()  # saved as typed: no button to press
