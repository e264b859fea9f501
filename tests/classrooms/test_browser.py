"""In a real browser: an instructor makes a classroom of three from a CSV and assigns
the first EC2 lab; a student signs in, works through it in the console with the lab
drawer open, ticking step by step; the instructor's grid shows the finished lab."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from services.core import lifecycle

pytestmark = pytest.mark.browser


def _instance_action(page, instance_id: str, item: str) -> None:
    page.goto("/us-east-1/ec2/instances/")
    page.locator(f"tr[data-row='{instance_id}']").get_by_role("checkbox").check()
    page.get_by_role("button", name="Instance state").click()
    page.get_by_role("menuitem", name=item).click()


def test_a_class_works_through_the_first_ec2_lab(browser, live_server, transactional_db):
    from django.contrib.auth.models import User

    from services.classrooms import provisioning
    from services.classrooms.models import Classroom

    User.objects.create_user("teacher", "teacher@example.com", "chalk and blackboard")
    teacher = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    teacher.set_default_timeout(10_000)
    t = teacher.new_page()
    t.goto("/instructor/")
    t.get_by_label("User name").fill("teacher")
    t.get_by_label("Password").fill("chalk and blackboard")
    t.get_by_role("button", name="Sign in").click()
    t.get_by_label("Classroom name").fill("Cloud 101")
    t.get_by_role("button", name="Create classroom").click()
    t.get_by_label("Paste a roster (name,email per line)").fill(
        "name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.com\n"
        "Grace Hopper,grace@example.com"
    )
    t.get_by_role("button", name="Add roster").click()
    expect(t.locator(".flash-success")).to_contain_text("Added 3 students, each with a sandbox.")
    t.get_by_label("Assigned lab").select_option(label="Your first EC2 instance")
    t.get_by_role("button", name="Assign lab").click()
    # Assigning resets every sandbox: the instructor confirms first.
    expect(t.get_by_role("heading", level=1)).to_have_text("Assign Your first EC2 instance?")
    t.get_by_role("button", name="Reset sandboxes and assign").click()
    expect(t.locator("tr[data-student]")).to_have_count(3)

    room = Classroom.objects.get(name="Cloud 101")
    sheet = provisioning.credentials(room.students.get(email="ada@example.com"))
    student = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    student.set_default_timeout(10_000)
    s = student.new_page()
    s.goto("/signin")
    s.get_by_label("Root user email address").fill(sheet["sign_in_email"])
    s.get_by_label("Password").fill(sheet["password"])
    s.get_by_role("button", name="Sign in").click()
    s.wait_for_url("**/home/**")
    s.get_by_role("button", name="Lab").click()
    drawer = s.get_by_role("complementary", name="Lab")
    expect(drawer).to_contain_text("Your first EC2 instance")
    expect(drawer.locator("[data-step='1']")).to_have_attribute("data-passed", "false")

    # Step 1: a key pair. The drawer stays open across pages and ticks by itself.
    s.goto("/us-east-1/ec2/key-pairs/create/")
    s.get_by_label("Name").first.fill("lab-key")
    s.get_by_role("button", name="Create key pair").click()
    expect(drawer.locator("[data-step='1']")).to_have_attribute("data-passed", "true")

    # Steps 2 and 3: launch with the key pair and a new group open to SSH from one /32.
    s.goto("/us-east-1/ec2/launch/")
    s.locator("select[name=InstanceType]").select_option("t3.micro")
    s.locator("select[name=KeyName]").select_option("lab-key")
    s.locator("input[name=group_name]").fill("ssh-from-me")
    s.locator("select[name=ssh_source]").select_option("custom")
    s.locator("input[name=ssh_cidr]").fill("198.51.100.7/32")
    s.get_by_role("complementary", name="Summary").get_by_role(
        "button", name="Launch instance"
    ).click()
    s.wait_for_url("**/us-east-1/ec2/launch/success/**")
    instance_id = s.locator("[data-launch-success] a").first.inner_text()
    expect(drawer.locator("[data-step='3']")).to_have_attribute("data-passed", "true")
    expect(drawer.locator("[data-step='2']")).to_have_attribute("data-passed", "true")

    # Steps 4 and 5: stop, start, terminate.
    lifecycle.sweep()
    _instance_action(s, instance_id, "Stop instance")
    expect(s.locator(".flash-success")).to_contain_text(instance_id)
    lifecycle.sweep()
    _instance_action(s, instance_id, "Start instance")
    expect(s.locator(".flash-success")).to_contain_text(instance_id)
    lifecycle.sweep()
    _instance_action(s, instance_id, "Terminate (delete) instance")
    modal = s.get_by_role("dialog", name="Terminate (delete) instance")
    modal.get_by_role("button", name="Terminate").click()
    expect(s.locator(".flash-success")).to_contain_text(instance_id)
    lifecycle.sweep()
    expect(drawer).to_contain_text("Lab complete", timeout=15_000)
    expect(drawer).to_contain_text("100%")

    # The instructor's grid (polling) shows Ada done and the others not started.
    ada = t.locator("tr[data-student='ada@example.com']")
    expect(ada).to_contain_text("100%", timeout=15_000)
    expect(ada.locator(".status-success", has_text="Passed")).to_have_count(5)
    expect(t.locator("tr[data-student='alan@example.com']")).to_contain_text("0%")
    teacher.close()
    student.close()
