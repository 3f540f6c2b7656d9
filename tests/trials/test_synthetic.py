"""Synthetic v2 study records: deterministic, parseable, registry-like, and a bulk-style ZIP."""

from __future__ import annotations

import json
import random
import re
import statistics
import zipfile
from collections import Counter

import pytest

from cellpath.trials.ctgov.records import StudyRecord, parse_study
from cellpath.trials.ctgov.sources import open_source
from cellpath.trials.ctgov.synthetic import synthetic_study, write_bulk_zip


@pytest.fixture(scope="module")
def corpus() -> list[tuple[dict, int, StudyRecord]]:
    """2,000 studies of one seed: (study, JSON size in bytes, parsed record)."""
    rng = random.Random(2026)
    out = []
    for index in range(2000):
        study = synthetic_study(rng, index)
        out.append((study, len(json.dumps(study, ensure_ascii=False).encode()), parse_study(study)))
    return out


def test_the_same_seed_gives_the_same_studies():
    first = [synthetic_study(random.Random(5), i) for i in range(30)]
    again = [synthetic_study(random.Random(5), i) for i in range(30)]
    other = [synthetic_study(random.Random(6), i) for i in range(30)]
    assert first == again
    assert first != other


def test_every_study_parses_with_its_own_nct_id(corpus):
    ids = [record.nct_id for _, _, record in corpus]
    assert ids[:3] == ["NCT80000000", "NCT80000001", "NCT80000002"]
    assert ids == [f"NCT{80000000 + i}" for i in range(len(corpus))]
    assert synthetic_study(random.Random(1), 9_999_999)["protocolSection"][
        "identificationModule"
    ]["nctId"] == "NCT89999999"  # fmt: skip
    with pytest.raises(ValueError):
        synthetic_study(random.Random(1), 10_000_000)


def test_about_two_percent_are_als(corpus):
    als = [record for _, _, record in corpus if record.is_als]
    assert 0.01 <= len(als) / len(corpus) <= 0.035
    assert all("D000690" in record.mesh_ids for record in als)


def test_decoys_named_als_for_life_support_are_not_als(corpus):
    decoys = [r for _, _, r in corpus if "Advanced Life Support (ALS)" in r.keywords]
    assert decoys and not any(record.is_als for record in decoys)


def test_statuses_and_kinds_are_mixed_like_the_registry(corpus):
    records = [record for _, _, record in corpus]
    open_share = sum(record.open_to_enrol for record in records) / len(records)
    assert 0.15 <= open_share <= 0.26
    statuses = Counter(record.overall_status for record in records)
    assert statuses.most_common(1)[0][0] == "COMPLETED"
    assert len(statuses) >= 9
    types = Counter(record.study_type for record in records)
    assert set(types) == {"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"}
    assert all(record.phases == () for record in records if record.study_type != "INTERVENTIONAL")
    assert all(1 <= len(record.interventions) <= 4 for record in records)
    kinds = Counter(kind for record in records for kind in record.intervention_kinds)
    assert set(kinds) == {"drug", "cell", "gene", "device", "procedure", "behavioral", "other"}
    assert any(record.is_cell_therapy for record in records if record.is_als)


def test_sites_have_real_coordinates_and_a_long_tail(corpus):
    records = [record for _, _, record in corpus]
    counts = [len(record.sites) for record in records]
    assert min(counts) == 1 and statistics.median(counts) <= 3
    assert max(counts) >= 100
    assert 0.9 <= sum(1 for c in counts if c <= 30) / len(counts) < 1
    sites = [site for record in records for site in record.sites]
    with_point = [site for site in sites if site.lat is not None]
    assert 0.9 < len(with_point) / len(sites) < 1
    boston = {(s.lat, s.lon) for s in with_point if s.city == "Boston"}
    assert boston == {(42.35843, -71.05977)}
    assert len({site.country for site in sites}) >= 15
    contacts = [c for record in records for s in record.sites for c in s.contacts if c.email]
    assert contacts and all(c.email.endswith("@example.org") and "555" in c.phone for c in contacts)


def test_sizes_are_like_the_bulk_download(corpus):
    sizes = [size for _, size, _ in corpus]
    assert 12_000 <= statistics.mean(sizes) <= 20_000
    assert max(sizes) >= 100_000  # the long tail
    assert statistics.median(sizes) < statistics.mean(sizes)


def test_als_studies_vary_their_eligibility_wording():
    rng = random.Random(3)
    texts = [parse_study(synthetic_study(rng, i, als=True)).eligibility_text for i in range(150)]
    joined = "\n".join(texts)
    for pattern in (
        r"(?m)^\* ",
        r"(?m)^- ",
        r"(?m)^• ",
        r"(?m)^– ",
        r"(?m)^1\. ",
        r"(?m)^inclusion criteria$",
        r"(?m)^Key Inclusion Criteria:$",
        r"\\>",
        r"El Escorial",
        r"\(48 − ALSFRS-R",
        r"swallowing",
        r"riluzole",
        r"[Tt]racheostomy",
        r"SOD1",
    ):
        assert re.search(pattern, joined), pattern
    assert any(not re.search(r"(?i)inclusion criteria", text) for text in texts)
    assert len(set(texts)) == len(texts)


def test_forced_als_and_status():
    rng = random.Random(4)
    record = parse_study(synthetic_study(rng, 1, als=True, status="RECRUITING"))
    assert record.is_als and record.overall_status == "RECRUITING" and record.open_to_enrol
    assert record.central_contacts
    expanded = parse_study(synthetic_study(rng, 2, als=False, status="AVAILABLE"))
    assert expanded.study_type == "EXPANDED_ACCESS" and expanded.phases == ()
    assert not expanded.is_als
    unknown = parse_study(synthetic_study(rng, 3, status="UNKNOWN"))
    assert unknown.last_known_status in {"RECRUITING", "ACTIVE_NOT_RECRUITING"}


def test_write_bulk_zip_is_readable_like_the_download(tmp_path):
    done: list[int] = []
    path = tmp_path / "ctg-studies.json.zip"
    size = write_bulk_zip(path, 2500, seed=9, als_share=0.1, progress=done.append)
    assert size == path.stat().st_size
    assert done == [1000, 2000, 2500]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert names[:2] == ["NCT80000000.json", "NCT80000001.json"] and len(names) == 2500
    source = open_source(path)
    assert len(source) == 2500
    records = [entry.record for entry in source]
    assert all(records)
    assert [f"{r.nct_id}.json" for r in records] == names
    assert 0.07 <= sum(r.is_als for r in records) / len(records) <= 0.13


def test_write_bulk_zip_is_deterministic(tmp_path):
    first = tmp_path / "a.zip"
    second = tmp_path / "b.zip"
    write_bulk_zip(first, 40, seed=3)
    write_bulk_zip(second, 40, seed=3)
    assert first.read_bytes() == second.read_bytes()
    write_bulk_zip(second, 40, seed=4)
    assert first.read_bytes() != second.read_bytes()
