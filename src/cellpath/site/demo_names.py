"""Invented names for the demo's patients (any likeness to a real person is accidental)."""

FIRST_NAMES = [
    "Ana",
    "Tomás",
    "Mei",
    "Samuel",
    "Greta",
    "Yusuf",
    "Claire",
    "Ravi",
    "Hannah",
    "Jonas",
    "Amara",
    "Piotr",
    "Lucía",
    "Kenji",
    "Fatima",
    "Oskar",
    "Nadia",
    "Emeka",
    "Ingrid",
    "Mateo",
]
LAST_NAMES = [
    "Ferreira",
    "Rivera",
    "Lin",
    "Okafor",
    "Lindqvist",
    "Demir",
    "Dubois",
    "Menon",
    "Weiss",
    "Berg",
    "Nwosu",
    "Kowalski",
    "Moreno",
    "Sato",
    "Haddad",
    "Nilsson",
    "Petrova",
    "Eze",
]


def demo_name(index: int) -> str:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
    return f"{first} {last} (demo)"
