"""Distances on the Earth: the haversine formula on a sphere of the mean Earth radius (IUGG,
6,371.0088 km; error under 0.5 % against the ellipsoid — ample for "how far is this trial").
Also registered as the SQL function ``cellpath_km`` (`finder.sql`), so that the database can
find the nearest site of thousands of trials without sending every site back."""

from __future__ import annotations

import math

EARTH_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))
