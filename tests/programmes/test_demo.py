"""The demo programmes: fictional, all three kinds, the warning signs fire, idempotent."""

from __future__ import annotations

from cellpath.programmes.demo import load_demo_programmes
from cellpath.programmes.models import Programme
from tests.programmes.kit import make_study


def test_it_creates_fictional_programmes_of_every_kind_once(world) -> None:
    make_study("nurown-phase-3")
    sites = {"riv": world.site_a, "nor": world.site_b}
    created = load_demo_programmes(sites=sites)
    assert len(created) >= 4
    assert {p.kind for p in created} == set(Programme.Kind.values)
    assert {p.site for p in created} == {world.site_a, world.site_b}
    for programme in created:
        assert "fictional" in programme.summary
        # invented IDs: NCT0999xxxx, or the demo's own registry records (NCT99xxxxxx)
        assert not programme.registry_id or programme.registry_id.startswith(("NCT0999", "NCT99"))
    trial = next(p for p in created if p.kind == "clinical_trial" and p.registry_id)
    assert trial.warning_signs == [] and trial.is_free
    assert [s.slug for s in trial.studies.all()] == ["nurown-phase-3"]
    paid = [p for p in created if p.kind == "paid_clinic"]
    assert paid and all(len(p.warning_signs) >= 4 for p in paid)
    assert any(len(p.warning_signs) == 6 for p in paid)
    assert load_demo_programmes(sites=sites) == []
    assert Programme.objects.count() == len(created)
