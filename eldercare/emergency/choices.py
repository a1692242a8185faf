from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeviceKind(models.TextChoices):
    """智能终端 kinds."""

    CALL_BUTTON = "call_button", _("call button (一键呼叫器)")
    WATCH = "watch", _("watch (智能手表)")
    FALL_SENSOR = "fall_sensor", _("fall sensor (跌倒报警器)")
    SMOKE_SENSOR = "smoke_sensor", _("smoke sensor (烟感)")
    GAS_SENSOR = "gas_sensor", _("gas sensor (燃气报警器)")
    DOOR_SENSOR = "door_sensor", _("door sensor (门磁)")
    MATTRESS = "mattress", _("sleep mattress (智能床垫)")


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class AlarmKind(models.TextChoices):
    """警情类型. `technical` alarms come from the platform (silent device, low battery), not a person."""

    SOS = "sos", _("SOS call (一键呼救)")
    FALL = "fall", _("fall (跌倒)")
    SMOKE = "smoke", _("smoke (烟雾)")
    GAS = "gas", _("gas leak (燃气泄漏)")
    DOOR = "door", _("door left open / wandering (门磁异常)")
    INACTIVITY = "inactivity", _("no movement / left bed (离床或无活动)")
    DEVICE_SILENT = "device_silent", _("device silent (设备离线)")
    LOW_BATTERY = "low_battery", _("low battery (电量低)")
    TEST = "test", _("test call (测试呼叫)")


TECHNICAL_KINDS = frozenset({AlarmKind.DEVICE_SILENT, AlarmKind.LOW_BATTERY})


class AlarmStatus(models.TextChoices):
    NEW = "new", _("new")
    TAKEN = "taken", _("taken")
    DISPATCHED = "dispatched", _("dispatched")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = (AlarmStatus.NEW, AlarmStatus.TAKEN, AlarmStatus.DISPATCHED)


class AlarmSource(models.TextChoices):
    HTTPS = "https", _("HTTPS")
    MQTT = "mqtt", _("MQTT")
    SYSTEM = "system", _("platform")
    PHONE = "phone", _("phone call")


class Outcome(models.TextChoices):
    """处置结果."""

    FALSE_ALARM = "false_alarm", _("false alarm (误报)")
    PHONE = "phone", _("handled by phone (电话处置)")
    VISIT = "visit", _("visit (上门)")
    AMBULANCE = "ambulance", _("ambulance 120")
    POLICE = "police", _("police 110")
    TECHNICAL = "technical", _("technical issue resolved (设备处置)")
    TEST = "test", _("test call confirmed (测试)")


SERIOUS_OUTCOMES = frozenset({Outcome.VISIT, Outcome.AMBULANCE, Outcome.POLICE})


class DispatchTarget(models.TextChoices):
    AMBULANCE_120 = "ambulance_120", _("ambulance 120")
    POLICE_110 = "police_110", _("police 110")
    FIRE_119 = "fire_119", _("fire 119")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    HOMECARE_WORKER = "homecare_worker", _("nearest home-care worker")
    INSTITUTION = "institution", _("care institution")
    FAMILY = "family", _("family")


class Callee(models.TextChoices):
    ELDER = "elder", _("elder")
    FAMILY = "family", _("family / emergency contact")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    HOMECARE_WORKER = "homecare_worker", _("home-care worker")
    INSTITUTION = "institution", _("institution")
    EMERGENCY_120 = "emergency_120", _("120")
    POLICE_110 = "police_110", _("110")


class CallResult(models.TextChoices):
    ANSWERED = "answered", _("answered")
    NO_ANSWER = "no_answer", _("no answer")
    BUSY = "busy", _("busy")
    FAILED = "failed", pgettext_lazy("call result", "failed")


class AlarmEventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    DUPLICATE = "duplicate", _("duplicate received")
    TAKEN = "taken", _("taken")
    CALL = "call", _("call")
    DISPATCHED = "dispatched", _("dispatched")
    ESCALATED = "escalated", _("escalated")
    CLOSED = "closed", _("closed")
    NOTE = "note", _("note")


class CareRiskKind(models.TextChoices):
    """照护风险事件 of GB/T 42195-2022 A.2.14 (近30天内照护风险事件)."""

    FALL = "fall", _("fall (跌倒)")
    CHOKING = "choking", _("choking (噎食)")
    SELF_HARM = "self_harm", _("suicide / self-harm (自杀、自伤)")
    WANDERING = "wandering", _("wandering off (走失)")
    OTHER = "other", _("other serious event")


class ResourceKind(models.TextChoices):
    TEAM = "team", _("response team (救援队伍)")
    VEHICLE = "vehicle", _("vehicle (车辆)")
    SUPPLIES = "supplies", _("supplies (物资)")
