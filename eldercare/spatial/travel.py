"""Travel-time sources (出行时间): how long an elder walks to a facility.

Without a road network offline, `StraightLineWalk` takes the straight-line distance (on a local
equirectangular projection, good to well under 1 % across a city) times a detour factor, at a walking
speed; both come from the policy `spatial.walk` and are printed on the coverage page. A road-network
source (isochrones from OSRM, Valhalla or a city GIS) replaces it by implementing `TravelTimeSource`
and being passed to `rules.coverage` / `rules.coverage_pairs` instead.

Coordinates are arrays of shape (n, 2): longitude, latitude in degrees (WGS-84 / GCJ-02 alike: the
offset between them is the same at both ends of a walk).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@runtime_checkable
class TravelTimeSource(Protocol):
    """Minutes from origins to destinations. Implementations must be exact on `nearest` and `pairs_within`."""

    @property
    def description(self) -> str:
        """How the minutes are obtained, printed with the results."""
        ...

    def nearest(self, origins: FloatArray, destinations: FloatArray) -> tuple[FloatArray, IntArray]:
        """(minutes to the nearest destination, its index) for every origin; inf / -1 with no destination."""
        ...

    def pairs_within(
        self, origins: FloatArray, destinations: FloatArray, minutes: float
    ) -> tuple[IntArray, IntArray]:
        """(origin index, destination index) of every pair reachable within `minutes`."""
        ...


def project_km(points: FloatArray, lat0: float) -> FloatArray:
    """Longitude/latitude in degrees to kilometres on a plane tangent at latitude lat0."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    out = np.empty_like(pts)
    out[:, 0] = pts[:, 0] * (KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)))
    out[:, 1] = pts[:, 1] * KM_PER_DEG_LAT
    return out


@dataclass(frozen=True)
class StraightLineWalk:
    """Straight-line distance × detour factor ÷ walking speed (km/h), in minutes."""

    detour_factor: float = 1.3
    speed_kmh: float = 4.5
    lat0: float | None = None  # latitude of the projection; the origins' mean when None
    # the last origins projected (the same elders are asked once per facility kind): (array, lat0, km)
    _last: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _origins_km(self, origins: FloatArray, lat0: float) -> FloatArray:
        last = self._last.get("origins")
        if last is not None and last[0] is origins and last[1] == lat0:
            return last[2]
        km = project_km(origins, lat0)
        self._last["origins"] = (origins, lat0, km)
        return km

    @property
    def description(self) -> str:
        return f"straight line × {self.detour_factor:g} at {self.speed_kmh:g} km/h"

    def km_for_minutes(self, minutes: float) -> float:
        """Straight-line radius reached in `minutes`."""
        return minutes / 60.0 * self.speed_kmh / self.detour_factor

    def minutes_for_km(self, km: FloatArray) -> FloatArray:
        return np.asarray(km, dtype=np.float64) * self.detour_factor / self.speed_kmh * 60.0

    def _lat0(self, origins: FloatArray, destinations: FloatArray) -> float:
        if self.lat0 is not None:
            return self.lat0
        # the origins' mean latitude (cached with the projection), else the destinations'
        last = self._last.get("origins")
        if last is not None and last[0] is origins:
            return float(last[1])
        both = [a[:, 1] for a in (origins, destinations) if len(a)]
        return float(np.mean(both[0])) if both else 0.0

    def nearest(self, origins: FloatArray, destinations: FloatArray) -> tuple[FloatArray, IntArray]:
        if not (isinstance(origins, np.ndarray) and origins.dtype == np.float64 and origins.ndim == 2):
            origins = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
        destinations = np.asarray(destinations, dtype=np.float64).reshape(-1, 2)
        if not len(destinations):
            return np.full(len(origins), np.inf), np.full(len(origins), -1, dtype=np.int64)
        lat0 = self._lat0(origins, destinations)
        tree = cKDTree(project_km(destinations, lat0))
        km, idx = tree.query(self._origins_km(origins, lat0), k=1, workers=-1)
        return self.minutes_for_km(km), np.asarray(idx, dtype=np.int64)

    def pairs_within(
        self, origins: FloatArray, destinations: FloatArray, minutes: float
    ) -> tuple[IntArray, IntArray]:
        origins = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
        destinations = np.asarray(destinations, dtype=np.float64).reshape(-1, 2)
        if not len(origins) or not len(destinations):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        lat0 = self._lat0(origins, destinations)
        radius = self.km_for_minutes(minutes) * (1 + 1e-12)
        o_tree = cKDTree(project_km(origins, lat0))
        d_tree = cKDTree(project_km(destinations, lat0))
        matrix = o_tree.sparse_distance_matrix(d_tree, radius, output_type="ndarray")
        return matrix["i"].astype(np.int64), matrix["j"].astype(np.int64)
