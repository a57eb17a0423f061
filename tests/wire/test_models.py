"""Drop folders are confined to KISHA_WIRE_DROP_ROOT, after symlinks, when saved and when polled."""

from pathlib import Path

import pytest

from kisha.wire.models import WireIngestRun, WireSource, drop_folder_problem
from kisha.wire.services import wire_source_poll

from .conftest import ninjs_batch, ninjs_item

OUTSIDE = "の中に置いてください"


@pytest.fixture
def root(settings, tmp_path) -> Path:
    root = tmp_path / "drops"
    (root / "kyodo").mkdir(parents=True)
    settings.KISHA_WIRE_DROP_ROOT = str(root)
    return root


def test_a_folder_inside_the_root_is_accepted(root):
    assert drop_folder_problem(str(root / "kyodo")) == ""
    assert drop_folder_problem(str(root)) == ""


@pytest.mark.parametrize("folder", ["/etc", "/", "/tmp"])
def test_an_absolute_path_outside_the_root_is_refused(root, folder):
    assert OUTSIDE in drop_folder_problem(folder)


def test_dot_dot_cannot_climb_out(root, tmp_path):
    (tmp_path / "secrets").mkdir()
    assert OUTSIDE in drop_folder_problem(str(root / "kyodo" / ".." / ".." / "secrets"))
    assert OUTSIDE in drop_folder_problem(str(root) + "-evil")  # a sibling sharing the prefix


def test_a_symlink_pointing_out_is_refused(root, tmp_path):
    (tmp_path / "var").mkdir()
    (root / "escape").symlink_to(tmp_path / "var")
    assert OUTSIDE in drop_folder_problem(str(root / "escape"))


def test_the_default_root_is_var_wire_drop(monkeypatch):
    import kisha.settings as module  # as read from the environment, before the test overrides

    if module.config("KISHA_WIRE_DROP_ROOT"):
        pytest.skip("KISHA_WIRE_DROP_ROOT is set in this environment")
    assert module.KISHA_WIRE_DROP_ROOT == module.BASE_DIR / "var" / "wire-drop"


def test_outside_the_root_nothing_is_said_about_the_path(root):
    # /no/such and /etc both get the same answer: the form is no oracle for server paths.
    assert drop_folder_problem("/no/such/folder") == drop_folder_problem("/etc")


@pytest.mark.django_db
def test_polling_refuses_a_folder_that_now_points_outside(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.json").write_bytes(ninjs_batch(ninjs_item("urn:secret")))
    link = root / "feed"
    link.symlink_to(root / "kyodo")
    source = WireSource.objects.create(name="共同", drop_folder=str(link))
    source.full_clean()
    link.unlink()
    link.symlink_to(outside)  # changed on disk after the editor saved it

    summary = wire_source_poll(source=source)
    assert summary.ingested == 0 and OUTSIDE in summary.message
    run = WireIngestRun.objects.get()
    assert run.status == WireIngestRun.Status.FAILED and OUTSIDE in run.message
    assert "a.json" not in run.message and "outside" not in run.message
