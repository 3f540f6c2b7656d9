"""The finder wing: ALS trials searched by status, phase, kind of treatment, words and distance
(`queries`, with its SQL in `sql` and distances in `geo`), and people matched with them through the
screening engine (`matching`).

Registry data is public: these reads need no signed-in user and are not audited. A care record
or an application arrives here as a `screening.Profile`, made by care or intake.
"""
