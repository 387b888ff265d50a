from alongside.core.matching import bench


def test_run_agrees_with_the_reference_on_a_small_realistic_instance():
    result = bench.run(patients=300, mentors=60, capacity_max=3, seed=1)
    assert set(result) >= {"seconds", "objective", "assigned", "reference"}
    assert set(result["reference"]) == {"seconds", "objective", "assigned"}
    assert result["same_result"] is True
    assert 0.0 < result["feasible_fraction"] < 0.5


def test_run_agrees_on_a_dense_instance():
    assert bench.run(patients=80, mentors=20, dense=True)["same_result"] is True
