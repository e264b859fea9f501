"""EBS volumes through the generic console pages: list, create, details, delete."""

from services.core import lifecycle
from services.core.models import Event
from services.ec2.models import Volume
from tests.pages import html, text

LIST = "/us-east-1/ec2/volumes/"
CREATE = "/us-east-1/ec2/volumes/create/"


def create(console, **fields) -> object:
    data = {"VolumeType": "gp3", "Size": "8", "AvailabilityZone": "us-east-1b"}
    data.update(fields)
    return console.post(CREATE, data)


def test_the_create_form_offers_the_zones_of_its_region(console):
    page = html(console.get(CREATE))
    assert "Create volume" in page and "Summary" in page
    for zone in ("us-east-1a", "us-east-1f"):
        assert f'value="{zone}"' in page
    assert 'value="eu-west-1a"' not in page
    assert 'value="eu-west-1a"' in html(console.get("/eu-west-1/ec2/volumes/create/"))


def test_creating_a_volume_shows_it_and_audits_it_as_console(console):
    response = create(console, Name="data")
    volume = Volume.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{volume.resource_id}/"
    page = console.get(response["Location"])
    detail = text(page)
    assert f"Successfully created volume {volume.resource_id}." in detail
    assert "flash-success" in html(page)
    assert "Creating" in detail and "us-east-1b" in detail and "(data)" in detail

    event = Event.objects.get(event_name="CreateVolume")
    assert event.door == "console" and event.error_code == ""
    assert event.user_agent == "" or event.user_agent  # the browser's, when it sends one
    history = text(console.get("/us-east-1/cloudtrail/events/"))
    assert "CreateVolume" in history and volume.resource_id in history
    assert "Console" in history and "root" in history


def test_an_aws_error_shows_a_flashbar_and_creates_nothing(console):
    # st1 volumes start at 125 GiB (EBS-04): the form is valid, the operation says no.
    response = create(console, VolumeType="st1", Size="100")
    assert response.status_code == 200
    assert "flash-error" in html(response)
    assert "InvalidParameterValue: Volume of size 100GiB is too small; minimum is 125GiB" in text(
        response
    )
    assert not Volume.objects.exists()
    # The form keeps what was typed.
    assert 'value="100"' in html(response)
    assert Event.objects.get(event_name="CreateVolume").error_code == "InvalidParameterValue"


def test_form_errors_are_shown_without_calling_the_operation(console):
    page = text(create(console, Size="0"))
    assert "Ensure this value is greater than or equal to 1." in page
    assert not Event.objects.filter(event_name="CreateVolume").exists()


def test_the_list_polls_only_while_a_volume_is_changing(console):
    create(console)
    page = console.get(LIST)
    assert "Volumes (1)" in text(page) and "Creating" in text(page)
    assert 'hx-trigger="every 2s"' in html(page)
    lifecycle.settle()
    page = console.get(LIST)
    assert "Available" in text(page)
    assert 'hx-trigger="every 2s"' not in html(page)


def test_the_polled_table_is_a_partial_that_keeps_the_selection(console):
    create(console)
    volume = Volume.objects.get()
    response = console.get(
        LIST, {"ids": volume.resource_id}, headers={"HX-Request": "true", "HX-Target": "rt-results"}
    )
    page = html(response)
    assert "<html" not in page and 'id="rt-results"' in page
    assert 'hx-swap-oob="true"' in page  # the count and pagination follow
    assert f'value="{volume.resource_id}" aria-label="Select {volume.resource_id}" checked' in page


def test_the_filter_finds_volumes_by_id_name_or_zone(console):
    create(console, Name="alpha", AvailabilityZone="us-east-1a")
    create(console, Name="beta", AvailabilityZone="us-east-1c")
    assert "Volumes (2)" in text(console.get(LIST))
    page = text(console.get(LIST, {"filter": "alp"}))
    assert "Volumes (1)" in page and "alpha" in page and "beta" not in page
    page = text(console.get(LIST, {"filter": "us-east-1c"}))
    assert "beta" in page and "alpha" not in page
    page = text(console.get(LIST, {"filter": "nothing-like-it"}))
    assert "We can't find a match" in page


def test_the_page_size_is_a_preference_kept_in_the_session(console):
    for _ in range(11):
        create(console)
    page = html(console.get(LIST))
    assert "Volumes (11)" in text(console.get(LIST)) and page.count('name="ids"') == 11
    page = html(console.get(LIST, {"page_size": "10"}))
    assert page.count('name="ids"') == 10
    page = html(console.get(LIST))  # remembered
    assert page.count('name="ids"') == 10 and 'aria-label="Next page"' in page
    assert html(console.get(LIST, {"page": "2"})).count('name="ids"') == 1


def test_volumes_of_another_region_are_not_listed(console):
    create(console)
    page = text(console.get("/eu-west-1/ec2/volumes/"))
    assert "Volumes (0)" in page and "You don't have any volumes in this region." in page
    response = console.get(f"/eu-west-1/ec2/volumes/{Volume.objects.get().resource_id}/")
    assert response.status_code == 404 and "Volume not found" in text(response)


def test_delete_needs_the_typed_confirmation(console):
    create(console)
    lifecycle.settle()
    volume = Volume.objects.get()
    action = "/us-east-1/ec2/volumes/actions/DeleteVolume/"
    modal = text(console.get(action, {"ids": volume.resource_id}))
    assert "To confirm deletion, type delete in the field." in modal
    assert volume.resource_id in modal

    wrong = console.post(action, {"ids": volume.resource_id, "confirmation": "yes"})
    assert wrong.status_code == 200 and "Enter “delete” to confirm." in text(wrong)
    assert Volume.objects.get().state == "available"
    assert not Event.objects.filter(event_name="DeleteVolume").exists()

    done = console.post(action, {"ids": volume.resource_id, "confirmation": "delete"})
    assert done["Location"] == LIST
    assert Volume.objects.get().state == "deleting"
    page = text(console.get(LIST))
    assert f"Delete volume: request succeeded for {volume.resource_id}." in page
    lifecycle.settle()
    assert not Volume.objects.exists()


def test_deleting_an_in_use_volume_shows_the_aws_error(console):
    create(console)
    lifecycle.settle()
    Volume.objects.update(state="in-use")
    volume = Volume.objects.get()
    console.post(
        "/us-east-1/ec2/volumes/actions/DeleteVolume/",
        {"ids": volume.resource_id, "confirmation": "delete"},
    )
    page = text(console.get(LIST))
    assert f"VolumeInUse: Volume {volume.resource_id} is currently attached." in page
    assert Volume.objects.get().state == "in-use"


def test_the_details_page_has_panels_and_a_tags_tab(console):
    create(console, Name="logs")
    volume = Volume.objects.get()
    url = f"{LIST}{volume.resource_id}/"
    page = console.get(url)
    for label in ("Volume ID", "Size", "8 GiB", "Availability Zone", "ARN", volume.arn):
        assert label in text(page)
    assert 'hx-trigger="every 2s"' in html(page)  # still creating
    tags = text(console.get(url, {"tab": "tags"}))
    assert "Tags (1)" in tags and "Name" in tags and "logs" in tags


def test_the_global_search_finds_services_and_resources(console):
    create(console, Name="findme")
    volume = Volume.objects.get()
    page = text(console.get("/search/", {"q": "findme"}))
    assert volume.resource_id in page and "EC2 volume" in page
    partial = html(console.get("/search/", {"q": "cloud"}, headers={"HX-Request": "true"}))
    assert "<html" not in partial and "CloudTrail" in partial


def test_recently_visited_services_are_on_the_home(console):
    assert "No recently visited services" in text(console.get("/home/"))
    console.get("/us-east-1/cloudtrail/events/")
    console.get(LIST)
    home = html(console.get("/home/"))
    recent = home.split("data-recent", 1)[1].split("</ul>", 1)[0]
    assert recent.index("EC2") < recent.index("CloudTrail")


def test_a_polled_details_page_of_a_deleted_volume_goes_to_the_list(console):
    create(console)
    volume = Volume.objects.get()
    url = f"{LIST}{volume.resource_id}/"
    poll = {"HX-Request": "true", "HX-Target": "detail-panel"}
    partial = html(console.get(url, headers=poll))
    assert "<html" not in partial and 'id="detail-panel"' in partial
    volume.delete()
    response = console.get(url, headers=poll)
    assert response["HX-Redirect"] == LIST


def test_an_action_without_a_selection_says_so(console):
    action = "/us-east-1/ec2/volumes/actions/DeleteVolume/"
    response = console.get(action, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == LIST
    assert "Select at least one volume first." in text(console.get(LIST))
    assert console.get("/us-east-1/ec2/volumes/actions/NoSuchAction/").status_code == 404
