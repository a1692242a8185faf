from datetime import date

from ninja import Schema


class ElderOut(Schema):
    """An elder as the API shows it: ID number and phone masked, never in full."""

    id: int
    name: str
    sex: str
    birth_date: date
    id_number_masked: str
    phone_masked: str
    residence_division_id: str
    living_situation: str
    economic_status: str
    status: str
    lon: float | None
    lat: float | None


class ElderFilterIn(Schema):
    search: str = ""
    division_code: str = ""
    status: str = ""
    living_situation: str = ""
    economic_status: str = ""
    min_age: int | None = None
