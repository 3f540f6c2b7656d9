"""The progression page: who sees it, what it records, its charts and their table alternatives."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

from django.urls import reverse

from cellpath.accounts.models import AuditEvent
from cellpath.care import services
from tests.care.test_progression_figures import worked_history, worked_patient
from tests.factories import PatientFactory, clinical_history, legacy_update

SVG = "{http://www.w3.org/2000/svg}"


def url(patient) -> str:
    return reverse("care:patient-progression", args=[patient.pk])


def chart(html: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id}"
    return ET.fromstring(match.group(0))  # noqa: S314 - the page we just rendered


def points(svg: ET.Element) -> list[ET.Element]:
    return [el for el in svg.iter() if "chart-point" in el.get("class", "").split()]


def test_a_patient_sees_their_own_progression_and_no_one_elses(world, client_for) -> None:
    clinical_history(world.patient_a)
    client = client_for("patient_a")
    page = client.get(url(world.patient_a))
    assert page.status_code == 200 and "Your progression" in page.content.decode()
    assert client.get(url(world.patient_b)).status_code == 404


def test_staff_of_another_site_get_404(world, client_for) -> None:
    for actor in ("coordinator_b", "clinician_b"):
        assert client_for(actor).get(url(world.patient_a)).status_code == 404


def test_opening_the_page_is_in_the_audit_log(world, client_for) -> None:
    client_for("clinician_a").get(url(world.patient_a))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("pk")
    assert event.actor == world.users["clinician_a"]
    assert event.object_label == world.patient_a.study_id
    assert event.detail == {"page": "progression"}


def test_the_record_page_links_to_the_progression_page(world, client_for) -> None:
    page = client_for("coordinator_a").get(
        reverse("care:patient-detail", args=[world.patient_a.pk])
    )
    assert f'href="{url(world.patient_a)}"' in page.content.decode()


def test_the_total_chart_has_a_point_per_visit_and_a_table_of_them(world, client_for) -> None:
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    svg = chart(html, "chart-alsfrs-total")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-alsfrs-total-title chart-alsfrs-total-desc"
    assert svg.find(f"{SVG}title").text == "ALSFRS-R total over time"
    assert len(points(svg)) == 3
    assert "15 Nov 2022: 40" in [t.text for t in svg.iter(f"{SVG}title")]
    table = html[html.index("ALSFRS-R total and stage at each assessment") :]
    table = table[: table.index("</table>")]
    assert table.count('<tr><th scope="row">') == 3 and "27 Sep 2023" in table
    domains = chart(html, "chart-alsfrs-domains")
    assert len(points(domains)) == 12  # 4 domains × 3 visits


def test_the_charts_have_calendar_dates_across_the_records(world, client_for) -> None:
    # the worked history runs from the spirometry at onset (15 Jan 2022) to 27 Sep 2023
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    for chart_id in ("chart-alsfrs-total", "chart-alsfrs-domains", "chart-fvc"):
        svg = chart(html, chart_id)
        ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-tick"]
        assert ticks[-4:] == ["Jan 2022", "Jul 2022", "Jan 2023", "Jul 2023"], chart_id
        axis = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-axis-label"]
        assert axis[0] == "Date"
    # no plotted point sits in an empty half: the first and last records near the two ends
    svg = chart(html, "chart-alsfrs-total")
    grid = [float(g.get("x1")) for g in svg.iter(f"{SVG}line") if g.get("x1") == g.get("x2")]
    xs = [float(p.get("cx")) for p in points(svg)]
    assert max(xs) > 0.8 * float(svg.get("viewBox").split()[2])
    assert grid  # vertical grid lines at the month ticks


def test_the_charts_fit_a_phone(world, client_for) -> None:
    """No chart has a size of its own wider than a 390 px phone: a viewBox, as wide as its
    container, and the stylesheet sets no minimum width."""
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    for svg_markup in re.findall(r"<svg[^>]*>", html):
        width = re.search(r'\swidth="([^"]+)"', svg_markup)
        assert width is not None and width.group(1) == "100%", svg_markup
        assert int(re.search(r'viewBox="0 0 (\d+)', svg_markup).group(1)) <= 440
    from django.contrib.staticfiles import finders

    css = Path(finders.find("cellpath/css/charts.css")).read_text(encoding="utf-8")
    rule = css[css.index(".chart {") : css.index("}", css.index(".chart {"))]
    assert "min-width" not in rule


def carried_forward_line(svg: ET.Element) -> ET.Element | None:
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "chart-series s-expected":
            return g.find(f"{SVG}polyline")
    return None


def test_the_decline_before_treatment_is_carried_forward_as_a_dashed_line(
    world, client_for
) -> None:
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    svg = chart(html, "chart-alsfrs-total")
    line = carried_forward_line(svg)
    assert line is not None and line.get("stroke-dasharray")
    assert len(line.get("points").split()) == 2  # baseline (15 Mar 2023) to 27 Sep 2023
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-legend-label"]
    words = " ".join(
        " ".join(t.itertext())
        for t in svg.iter(f"{SVG}text")
        if t.get("class") == "chart-legend-label"
    )
    assert "Expected without treatment, if the decline before treatment had continued" in words
    assert legend[0] == "ALSFRS-R total"
    assert "29.5 expected on 27 Sep 2023" in svg.find(f"{SVG}desc").text
    # the table alternative: the expected value at the ALSFRS-R after the baseline
    table = html[html.index("ALSFRS-R total and stage at each assessment") :]
    table = table[: table.index("</table>")]
    assert "Expected without treatment" in table and ">29.5</td>" in table
    # the domain chart has no such line
    assert carried_forward_line(chart(html, "chart-alsfrs-domains")) is None


def test_without_a_slope_before_treatment_there_is_no_dashed_line(world, client_for) -> None:
    # clinical_history: one ALSFRS-R on the course start and one 3 months later
    clinical_history(world.patient_a)
    html = client_for("clinician_a").get(url(world.patient_a)).content.decode()
    assert carried_forward_line(chart(html, "chart-alsfrs-total")) is None
    assert "Expected without treatment" not in html


def test_the_patient_reads_why_the_speed_before_treatment_is_not_known(world, client_for) -> None:
    clinical_history(world.patient_a)
    html = client_for("patient_a").get(url(world.patient_a)).content.decode()
    assert "Not worked out" not in html
    assert (
        "Not known yet. Only one questionnaire was answered before the course started (on " in html
    )
    assert (
        "Working this out takes at least two questionnaires before the course started, a month "
        "or more apart." in html
    )
    svg = chart(html, "chart-alsfrs-total")
    ticks = [
        t.text
        for t in svg.iter(f"{SVG}text")
        if t.get("class") == "chart-tick" and t.get("text-anchor") == "middle"
    ]
    assert ticks and all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in ticks)


def test_doses_and_serious_adverse_events_are_marked_apart(world, client_for) -> None:
    patient = worked_patient(world.site_a)
    svg = chart(client_for("clinician_a").get(url(patient)).content.decode(), "chart-alsfrs-total")
    marks = {
        g.get("class").split()[1]: len(
            [el for el in g if "chart-event" in el.get("class", "").split()]
        )
        for g in svg.iter(f"{SVG}g")
        if g.get("class", "").startswith("chart-events ")
    }
    assert marks["ev-dose"] == 2 and marks["ev-ae"] == 1 and marks["ev-sae"] == 1


def test_the_page_has_no_inline_style_or_script(world, client_for) -> None:
    patient = worked_patient(world.site_a)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert "cellpath/css/charts.css" in html


def test_missing_inputs_are_named_with_what_is_needed(world, client_for) -> None:
    # the factory patient: no diagnosis date, height, site of onset, El Escorial, FTD or C9orf72
    clinical_history(world.patient_a)
    html = client_for("coordinator_a").get(url(world.patient_a)).content.decode()
    for needed in (
        "Needed: the date of diagnosis.",
        "Needed: the site of onset.",
        "Needed: the El Escorial category.",
        "Needed: whether the patient has frontotemporal dementia (yes or no).",
        "Needed: the C9orf72 test result (yes or no).",
        "Needs the patient&#x27;s height to compute % predicted.",
        "Needed: the patient&#x27;s height, to work out % predicted from the FVC in litres",
    ):
        assert needed in html
    assert "6 of the 8 inputs are missing" in html
    assert 'id="chart-encals"' not in html
    # clinical_history's ALSFRS-R are on the course start and 3 months later
    assert "Needs an earlier ALSFRS-R, at least 1 month before the baseline" in html
    assert "Needs an ALSFRS-R about 6 months after the baseline: between" in html


def test_without_an_onset_date_it_says_what_cannot_be_computed(world, client_for) -> None:
    patient = PatientFactory(site=world.site_a, onset_date=None)
    services.alsfrs_r_record(
        actor="test factory",
        patient=patient,
        assessed_on=date(2024, 5, 1),
        respondent="clinic",
        items=dict(q1=4, q2=4, q3=4, q4=4, q5a=4, q6=4, q7=4, q8=3, q9=3, q10=4, q11=4, q12=4),
    )
    html = client_for("coordinator_a").get(url(patient)).content.decode()
    assert "The date of symptom onset is not recorded" in html
    assert "46" in html and 'id="chart-alsfrs-total"' not in html


def test_the_number_of_queries_does_not_grow_with_the_history(
    world, client_for, django_assert_max_num_queries
) -> None:
    patient = worked_patient(world.site_a)
    client = client_for("clinician_a")
    with django_assert_max_num_queries(20) as short:
        client.get(url(patient))
    items = dict(q1=3, q2=3, q3=3, q4=3, q5a=3, q6=3, q7=3, q8=3, q9=3, q10=3, q11=3, q12=3)
    for k in range(9):
        services.alsfrs_r_record(
            actor="test factory",
            patient=patient,
            assessed_on=date(2023, 10, 1) + timedelta(days=30 * k),
            respondent="phone",
            items=items,
        )
    worked_patient(world.site_a)  # someone else's rows are not read
    services.course_start(
        actor="test factory",
        patient=patient,
        programme_name="Second course",
        cell_type="msc",
        donor="allogeneic",
        tissue="umbilical_cord",
        route="intravenous",
        started_on=date(2024, 2, 1),
    )
    with django_assert_max_num_queries(20) as long:
        page = client.get(url(patient))
    assert len(long) == len(short)
    assert len(points(chart(page.content.decode(), "chart-alsfrs-total"))) == 12


def test_repeat_courses_each_get_their_slopes(world, client_for) -> None:
    patient = PatientFactory(site=world.site_a, onset_date=date(2022, 1, 15))
    worked_history(patient, courses=2)
    html = client_for("clinician_a").get(url(patient)).content.decode()
    assert "Course 1: Cord MSC programme 1" in html and "Course 2: Cord MSC programme 2" in html
    assert "at least two days after the course start and before the next course" in html


def test_records_that_contradict_each_other_are_named_not_hidden(world, client_for) -> None:
    """Entered before death closed the record (issue 18): such records are named, never
    changed; the service now refuses the contradiction (tests/care/test_death_closes_the_record)."""
    patient = worked_patient(world.site_a)
    legacy_update(patient, death_date=date(2023, 6, 1))
    html = client_for("clinician_a").get(url(patient)).content.decode()
    alert = html[html.index('role="alert"') : html.index("</div>", html.index('role="alert"'))]
    assert "The ALSFRS-R of 27 September 2023 is after the date of death 1 June 2023." in alert
    assert "27 Sep 2023" in html  # the ALSFRS-R is still listed
    assert 'id="chart-encals"' not in html
