"""The versioned library files load all-or-nothing, idempotently, with messages that say where."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cellpath.accounts.models import AuditEvent
from cellpath.evidence.library import LibraryError, load_library
from cellpath.evidence.models import Claim, Figure, KnowledgePage, Source, Study

STUDIES = """
[[study]]
slug = "trial-one"
short_name = "Trial one"
title = "A randomised trial"
year = 2022
cell_type = "msc"
design = "randomised"
control = "placebo"
routes = ["intrathecal", "intramuscular"]
registry_ids = ["NCT03280056"]
doi = "10.1002/mus.27472"
n_treated = 95
n_control = 94
primary_endpoint_met = "no"
key_results = "Responders {{trial-one-responders}}."

[[study.source]]
slug = "trial-one-paper"
label = "The paper"
kind = "paper"

[[study.figure]]
slug = "trial-one-responders"
label = "Responders"
value = "33 % vs 28 %"
confidence = "V"
source = "trial-one-paper"
"""
FIGURE_SOURCE = 'source = "trial-one-paper"'
REFERENCES = """
[[source]]
slug = "natural-history"
label = "A cohort study"
kind = "reference"

[[figure]]
slug = "median-survival"
label = "Median survival"
value = "2 to 3 years"
confidence = "V"
source = "natural-history"
"""
CLAIMS = """
[[claim]]
slug = "cure"
text = "Stem cells cure ALS"
verdict = "not_supported"
summary = "No."
explanation = "The trial found {{trial-one-responders}}."
studies = ["trial-one"]
"""
PAGES = """
[[page]]
slug = "what-is-als"
title = "What ALS is"
summary = "A page."
body = "Most people live {{median-survival}}."
"""


def _write(directory: Path, **files: str) -> Path:
    contents = {
        "studies.toml": STUDIES,
        "references.toml": REFERENCES,
        "claims.toml": CLAIMS,
        "pages.toml": PAGES,
    }
    contents.update({f"{name}.toml": text for name, text in files.items()})
    for name, text in contents.items():
        (directory / name).write_text(text)
    return directory


def test_it_loads_every_kind_of_record(tmp_path: Path, db: None) -> None:
    summary = load_library(_write(tmp_path))
    study = Study.objects.get(slug="trial-one")
    assert study.route_codes == ["intrathecal", "intramuscular"]
    assert study.registry_id_list == ["NCT03280056"]
    assert Figure.objects.get(slug="trial-one-responders").source.slug == "trial-one-paper"
    assert Figure.objects.get(slug="median-survival").study is None
    assert list(Claim.objects.get(slug="cure").studies.all()) == [study]
    assert KnowledgePage.objects.filter(slug="what-is-als").exists()
    assert summary.created == {
        "studies": 1, "sources": 2, "figures": 2, "claims": 1, "knowledge pages": 1,
    }  # fmt: skip
    assert AuditEvent.objects.filter(object_type="evidence.study", action="create").count() == 1


def test_loading_again_changes_nothing(tmp_path: Path, db: None) -> None:
    load_library(_write(tmp_path))
    events = AuditEvent.objects.count()
    summary = load_library(tmp_path)
    assert summary.created == {} and summary.updated == {}
    assert AuditEvent.objects.count() == events + 1  # only the import event itself


def test_update_replaces_changed_records_as_a_new_version(tmp_path: Path, db: None) -> None:
    load_library(_write(tmp_path))
    load_library(_write(tmp_path, studies=STUDIES.replace("Trial one", "Trial 1")), update=True)
    study = Study.objects.get(slug="trial-one")
    assert (study.short_name, study.version) == ("Trial 1", 2)
    change = AuditEvent.objects.get(object_type="evidence.study", action="update").changes
    assert change["short_name"] == {"old": "Trial one", "new": "Trial 1"}


def test_without_update_an_editors_change_is_kept(tmp_path: Path, db: None) -> None:
    load_library(_write(tmp_path))
    load_library(_write(tmp_path, studies=STUDIES.replace("Trial one", "Trial 1")))
    assert Study.objects.get(slug="trial-one").short_name == "Trial one"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"studies": STUDIES.replace("10.1002/mus", "doi:abc")}, "studies.toml: trial-one: doi"),
        ({"studies": STUDIES.replace("NCT03280056", "NCT123")}, "not a ClinicalTrials.gov ID"),
        ({"studies": STUDIES.replace("year = 2022", "year = 1900")}, "trial-one: year"),
        ({"studies": STUDIES.replace('"intramuscular"', '"nasal"')}, "Unknown route: nasal"),
        ({"studies": STUDIES.replace(FIGURE_SOURCE, 'source = "x"')}, "unknown source “x”"),
        ({"claims": CLAIMS.replace('["trial-one"]', '["missing"]')}, "unknown study “missing”"),
        ({"pages": PAGES + 'colour = "red"\n'}, "unknown field(s) colour"),
        ({"pages": "[[page]\nslug="}, "pages.toml: not valid TOML"),
    ],
)  # fmt: skip
def test_an_invalid_file_loads_nothing_and_says_where(
    tmp_path: Path, db: None, files: dict[str, str], message: str
) -> None:
    with pytest.raises(LibraryError) as error:
        load_library(_write(tmp_path, **files))
    assert message in str(error.value)
    assert not Study.objects.exists() and not Source.objects.exists()
    assert not KnowledgePage.objects.exists()


def test_the_command_reports_problems_without_a_traceback(
    tmp_path: Path, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, studies=STUDIES.replace("10.1002/mus.27472", "doi:abc"))
    monkeypatch.setattr("cellpath.evidence.library.LIBRARY_DIR", tmp_path)
    monkeypatch.setattr(
        "cellpath.evidence.management.commands.load_library.load_library",
        lambda update: load_library(tmp_path, update=update),
    )
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_library")


def test_the_shipped_library_loads(db: None) -> None:
    summary = load_library()
    assert Study.objects.filter(slug="nurown-phase-3", primary_endpoint_met="no").exists()
    assert summary.created.get("knowledge pages", 0) >= 8
