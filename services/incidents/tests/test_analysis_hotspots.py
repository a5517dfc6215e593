"""Hot spots on H3 cells: the study area, the figures per cell, GeoJSON and the PAI."""

from __future__ import annotations

import h3  # type: ignore[import-untyped]  # h3 ships no type information
import numpy as np
import pytest

from incidents.analysis.gistar import gi_star
from incidents.analysis.hotspots import hot_spot_features, hot_spots, map_pai, pai, study_area

# A resolution-9 cell in the demo town (about 0.1 km², 174 m edge).
CENTRE = h3.latlng_to_cell(24.8800, 102.8300, 9)


def test_the_study_area_is_the_cells_given_plus_a_zero_ring() -> None:
    far = h3.latlng_to_cell(24.9300, 102.9000, 9)
    area = study_area({CENTRE: 5, far: 2}, k=1)
    assert area.cells[:2] == [CENTRE, far]
    assert set(area.cells) == set(h3.grid_disk(CENTRE, 1)) | set(h3.grid_disk(far, 1))
    assert area.values.tolist() == [5, 2] + [0] * 12
    assert area.neighbours.shape == (2, 14)
    assert area.neighbours.sum(axis=1).tolist() == [7, 7]
    assert {area.cells[j] for j in area.neighbours[[0]].indices} == set(h3.grid_disk(CENTRE, 1))


def test_a_cell_whose_ring_is_the_whole_study_area_has_no_z_score() -> None:
    (spot,) = hot_spots({CENTRE: 5}, k=1, seed=1)
    assert (spot.cell, spot.count, spot.gi_z, spot.p, spot.kind) == (CENTRE, 5, 0.0, 1.0, "none")


def test_hot_spots_match_gi_star_by_hand_on_a_small_map() -> None:
    # The centre with 10 incidents, its six neighbours with 2 each: the study area is the
    # centre's 2-ring of 19 cells (12 of them zero). Values sum to 22, mean 22/19, and
    # sum of squares 100 + 6*4 = 124, so S = sqrt(124/19 - (22/19)^2).
    # The centre's ring holds all 22 in W = 7 cells:
    # z = (22 - 7 * 22/19) / (S sqrt((19*7 - 49) / 18)).
    ring = [cell for cell in h3.grid_disk(CENTRE, 1) if cell != CENTRE]
    spots = hot_spots({CENTRE: 10} | dict.fromkeys(ring, 2), k=1, permutations=999, seed=4)
    mean = 22 / 19
    spread = np.sqrt(124 / 19 - mean**2)
    expected = (22 - 7 * mean) / (spread * np.sqrt((19 * 7 - 49) / 18))
    assert spots[0].cell == CENTRE
    assert spots[0].gi_z == pytest.approx(expected)
    assert spots[0].gi_z == pytest.approx(2.8245, abs=1e-4)
    area = study_area({CENTRE: 10} | dict.fromkeys(ring, 2))
    assert [s.gi_z for s in spots] == pytest.approx(gi_star(area.values, area.neighbours))


def test_a_cluster_of_incidents_is_a_hot_spot_after_fdr() -> None:
    rng = np.random.default_rng(8)
    town = h3.grid_disk(CENTRE, 12)  # 469 cells, about 3 km across
    counts = dict(zip(town, rng.poisson(1, len(town)).tolist(), strict=True))
    hot = h3.latlng_to_cell(24.8900, 102.8400, 9)
    for cell in h3.grid_disk(hot, 1):
        counts[cell] = 15
    spots = {s.cell: s for s in hot_spots(counts, k=1, permutations=9999, seed=2)}
    assert spots[hot].kind == "hot"
    assert spots[hot].q <= 0.05
    assert spots[hot].p <= spots[hot].q
    assert spots[hot].gi_z > 5
    assert sum(s.kind == "hot" for s in spots.values()) <= 19  # the cluster and its edge
    assert all(s.kind == "none" for c, s in spots.items() if h3.grid_distance(c, hot) > 2)


def test_features_are_closed_counter_clockwise_lon_lat_polygons_with_the_figures() -> None:
    spots = hot_spots({CENTRE: 4, h3.grid_disk(CENTRE, 1)[1]: 1}, seed=1)
    (feature, _) = hot_spot_features(spots)
    assert feature["type"] == "Feature"
    assert feature["id"] == CENTRE
    assert feature["geometry"]["type"] == "Polygon"
    (ring,) = feature["geometry"]["coordinates"]
    assert len(ring) == 7
    assert ring[0] == ring[-1]
    lons, lats = np.array(ring).T
    assert np.all((lons > 102.82) & (lons < 102.84))
    assert np.all((lats > 24.87) & (lats < 24.89))
    # Shoelace: a positive signed area is counter-clockwise (RFC 7946 exterior rings).
    assert np.sum(lons[:-1] * lats[1:] - lons[1:] * lats[:-1]) > 0
    assert feature["properties"] == {
        "cell": CENTRE,
        "count": 4,
        "gi_z": spots[0].gi_z,
        "p": spots[0].p,
        "q": spots[0].q,
        "kind": spots[0].kind,
    }


def test_pai_is_the_share_of_incidents_over_the_share_of_area() -> None:
    # 30 of 100 incidents in 1 km² of a 20 km² town: 0.3 / 0.05 = 6.
    assert pai(30, 100, 1.0, 20.0) == pytest.approx(6.0)
    assert np.isnan(pai(0, 0, 1.0, 20.0))


def test_map_pai_counts_the_later_period_inside_the_hot_cells() -> None:
    # Study: the centre's 1-ring (7 cells, equal to within 0.1 % in area at this size).
    # Hot: 2 cells. Later: 6 incidents in the hot cells, 4 in the other cells, 5 outside
    # the study (ignored). PAI = (6/10) / (2/7) = 2.1.
    study = h3.grid_disk(CENTRE, 1)
    hot = study[:2]
    outside = h3.latlng_to_cell(25.0, 103.0, 9)
    later = {hot[0]: 5, hot[1]: 1, study[3]: 4, outside: 5}
    assert map_pai([*hot, outside], later, study) == pytest.approx(2.1, rel=2e-3)
