"""A model preset from a Hugging Face config.json: exact parameter counts, the family rules
behind theta, T_train and has_SWA, and every malformed or hostile config rejected by field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import taf_widgets.core.catalogs as catalogs
from taf_widgets.core import (
    ARCHITECTURE,
    SUPPORTED_FAMILIES,
    ConfigPreset,
    InputError,
    get_preset,
    preset_from_config,
    run_recipe,
)

CONFIGS = Path(__file__).parent / "fixtures" / "configs"

# Parameter counts as published (and as summing the weight tensors of each checkpoint gives).
EXACT_COUNTS = {
    "Meta-Llama-3-8B": 8_030_261_248,
    "Meta-Llama-3.1-8B": 8_030_261_248,
    "Mistral-7B-v0.1": 7_241_732_096,
    "Qwen2.5-7B": 7_615_616_512,
    "gemma-2-9b": 9_241_705_984,
    "Phi-3-mini-4k-instruct": 3_821_079_552,
    "pythia-1b": 1_011_781_632,
    "pythia-2.8b": 2_775_208_960,
    "Qwen3-8B": 8_190_735_360,
}
# Mixture-of-experts and latent-attention fixtures: total and active counts in test_serving.py.
MOE_FIXTURES = (
    "Qwen3-30B-A3B",
    "Qwen3-235B-A22B",
    "Mixtral-8x7B-v0.1",
    "Qwen1.5-MoE-A2.7B",
    "DeepSeek-V2-Lite",
    "DeepSeek-R1",
)

# What each fixture must give besides n_params (the architecture as published).
EXPECTED = {
    "Meta-Llama-3-8B": dict(
        theta=500000.0, T_train=8192, n_attention_heads=32, n_kv_heads=8, d_head=128, n_layers=32, has_SWA=False
    ),
    "Meta-Llama-3.1-8B": dict(
        theta=500000.0, T_train=8192, n_attention_heads=32, n_kv_heads=8, d_head=128, n_layers=32, has_SWA=False
    ),
    "Mistral-7B-v0.1": dict(
        theta=10000.0, T_train=32768, n_attention_heads=32, n_kv_heads=8, d_head=128, n_layers=32, has_SWA=True
    ),
    "Qwen2.5-7B": dict(
        theta=1000000.0, T_train=131072, n_attention_heads=28, n_kv_heads=4, d_head=128, n_layers=28, has_SWA=False
    ),
    "gemma-2-9b": dict(
        theta=10000.0, T_train=8192, n_attention_heads=16, n_kv_heads=8, d_head=256, n_layers=42, has_SWA=True
    ),
    "Phi-3-mini-4k-instruct": dict(
        theta=10000.0, T_train=4096, n_attention_heads=32, n_kv_heads=32, d_head=96, n_layers=32, has_SWA=True
    ),
    "pythia-1b": dict(
        theta=10000.0, T_train=2048, n_attention_heads=8, n_kv_heads=8, d_head=256, n_layers=16, has_SWA=False
    ),
    "pythia-2.8b": dict(
        theta=10000.0, T_train=2048, n_attention_heads=32, n_kv_heads=32, d_head=80, n_layers=32, has_SWA=False
    ),
    "Qwen3-8B": dict(
        theta=1000000.0, T_train=40960, n_attention_heads=32, n_kv_heads=8, d_head=128, n_layers=36, has_SWA=False
    ),
}


def load(model: str) -> dict:
    return json.loads((CONFIGS / model / "config.json").read_text())


pytestmark = pytest.mark.usefixtures("restore_catalogs")  # tests here register catalog rows


# ── the exact counts ─────────────────────────────────────────────────────────


def test_every_fixture_has_a_count_to_check():
    assert sorted(p.name for p in CONFIGS.iterdir()) == sorted([*EXACT_COUNTS, *MOE_FIXTURES])


@pytest.mark.parametrize("model", list(EXACT_COUNTS))
def test_parameter_count_is_exact(model):
    derived = preset_from_config(CONFIGS / model)
    assert derived.params["n_params"] == EXACT_COUNTS[model]
    assert derived.n_params_breakdown["total"] == EXACT_COUNTS[model]
    parts = derived.n_params_breakdown
    assert parts["embeddings"] + parts["attention"] + parts["mlp"] + parts["norms"] == parts["total"]


def test_the_three_counts_of_the_issue():
    assert preset_from_config(CONFIGS / "Meta-Llama-3-8B").params["n_params"] == 8_030_261_248
    assert preset_from_config(CONFIGS / "Mistral-7B-v0.1").params["n_params"] == 7_241_732_096
    assert preset_from_config(CONFIGS / "Qwen2.5-7B").params["n_params"] == 7_615_616_512


@pytest.mark.parametrize("model", list(EXPECTED))
def test_architecture_fields_match_the_published_model(model):
    params = preset_from_config(CONFIGS / model).params
    assert {k: v for k, v in params.items() if k != "n_params"} == EXPECTED[model]


def test_params_have_exactly_the_keys_of_a_bundled_preset():
    params = preset_from_config(CONFIGS / "Meta-Llama-3-8B").params
    assert list(params) == list(ARCHITECTURE) == list(get_preset("meta-llama/Meta-Llama-3-8B"))


def test_architecture_agrees_with_the_bundled_preset_where_both_describe_the_same_model():
    params = preset_from_config(CONFIGS / "Meta-Llama-3-8B").params
    bundled = get_preset("meta-llama/Meta-Llama-3-8B")
    assert {k: params[k] for k in bundled if k != "n_params"} == {k: bundled[k] for k in bundled if k != "n_params"}
    assert round(params["n_params"] / 1e9) == bundled["n_params"] / 1e9


def test_a_path_a_folder_and_a_dict_give_the_same_preset():
    by_folder = preset_from_config(CONFIGS / "Qwen2.5-7B")
    by_file = preset_from_config(str(CONFIGS / "Qwen2.5-7B" / "config.json"))
    by_dict = preset_from_config(load("Qwen2.5-7B"))
    assert by_folder.params == by_file.params == by_dict.params
    assert by_folder.notes == by_dict.notes
    assert by_dict.source == "dict" and by_folder.source.endswith("config.json")


def test_result_is_a_config_preset_with_name_family_and_json_clean_dict():
    derived = preset_from_config(CONFIGS / "gemma-2-9b")
    assert isinstance(derived, ConfigPreset)
    assert derived.name == "gemma-2-9b" and derived.family == "gemma2"
    json.dumps(derived.to_dict(), allow_nan=False)


def test_every_required_family_is_supported():
    assert {
        "llama",
        "mistral",
        "qwen2",
        "gemma2",
        "phi3",
        "gpt_neox",
        "qwen3",
        "mixtral",
        "qwen2_moe",
        "qwen3_moe",
        "deepseek_v2",
        "deepseek_v3",
    } <= set(SUPPORTED_FAMILIES)


# ── using the derived preset ─────────────────────────────────────────────────


def test_params_register_as_a_preset_and_run_like_the_bundled_one():
    derived = preset_from_config(CONFIGS / "Meta-Llama-3-8B")
    name = derived.register("test/llama-from-config")
    assert name == "test/llama-from-config"
    assert catalogs.row_origin("presets", name).startswith("config.json")
    ours = run_recipe("X-2", preset=name, T_eval=32000)
    bundled = run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)
    assert ours.verdict == bundled.verdict
    assert ours.step(6)["result"] == bundled.step(6)["result"]


def test_recipe_params_fill_any_recipe_that_takes_a_preset():
    derived = preset_from_config(CONFIGS / "Mistral-7B-v0.1")
    x2 = run_recipe("X-2", **derived.recipe_params("X-2", T_eval=16000))
    assert x2.inputs["T_eval"] == 16000 and x2.inputs["has_SWA"] is True
    x19 = run_recipe("X-19", **derived.recipe_params("X-19"))
    assert x19.inputs["T_eval"] == x19.inputs["T_train"] == 32768  # the context starts at T_train
    x1 = run_recipe("X-1", **derived.recipe_params("X-1"))
    assert x1.inputs["N_params"] == 7_241_732_096
    x5 = run_recipe("X-5", **derived.recipe_params("X-5"))
    assert (x5.inputs["n_layers"], x5.inputs["n_kv_heads"], x5.inputs["d_head"]) == (32, 8, 128)


def test_recipe_params_refuse_a_recipe_without_model_parameters():
    with pytest.raises(InputError) as exc:
        preset_from_config(CONFIGS / "Mistral-7B-v0.1").recipe_params("X-3")
    assert exc.value.field == "config"


def test_params_run_through_run_recipe_directly():
    params = preset_from_config(CONFIGS / "Meta-Llama-3-8B").params
    assert (
        run_recipe("X-19", **params, T_eval=8192).verdict
        == run_recipe("X-19", preset="meta-llama/Meta-Llama-3-8B").verdict
    )


# ── family rules: theta, T_train, has_SWA, biases, tying ─────────────────────


def test_gpt_neox_theta_comes_from_rotary_emb_base():
    config = load("pythia-1b")
    config["rotary_emb_base"] = 25000
    assert preset_from_config(config).params["theta"] == 25000.0


def test_absent_theta_is_the_family_default_with_a_note():
    config = load("pythia-1b")
    del config["rotary_emb_base"]
    derived = preset_from_config(config)
    assert derived.params["theta"] == 10000.0
    assert any("default" in n and "rotary_emb_base" in n for n in derived.notes)


def test_rope_scaling_makes_t_train_the_pre_scaling_length_with_a_note():
    derived = preset_from_config(CONFIGS / "Meta-Llama-3.1-8B")
    assert derived.params["T_train"] == 8192
    assert any("rope_scaling" in n and "131,072" in n and "8,192" in n for n in derived.notes)


def test_phi3_longrope_reads_the_top_level_original_length():
    config = load("Phi-3-mini-4k-instruct")
    config.update(
        max_position_embeddings=131072,
        rope_scaling={"type": "longrope", "long_factor": [1.0] * 48, "short_factor": [1.0] * 48},
    )
    derived = preset_from_config(config)
    assert derived.params["T_train"] == 4096
    assert any("longrope" in n for n in derived.notes)


def test_rope_scaling_without_an_original_length_keeps_max_position_embeddings_with_a_note():
    config = load("Meta-Llama-3-8B")
    config["rope_scaling"] = {"type": "linear", "factor": 4.0}
    derived = preset_from_config(config)
    assert derived.params["T_train"] == 8192
    assert any("linear" in n and "pre-scaling" in n for n in derived.notes)


def test_a_window_as_long_as_the_context_is_not_swa():
    config = load("Mistral-7B-v0.1")
    config["sliding_window"] = 32768
    derived = preset_from_config(config)
    assert derived.params["has_SWA"] is False
    assert any("never" in n for n in derived.notes)


def test_a_null_sliding_window_is_not_swa():
    config = load("Mistral-7B-v0.1")
    config["sliding_window"] = None  # as Mistral-7B-v0.2 publishes it
    assert preset_from_config(config).params["has_SWA"] is False


def test_qwen2_window_counts_only_when_enabled_for_some_layer():
    config = load("Qwen2.5-7B")
    config.update(use_sliding_window=True, sliding_window=4096)
    derived = preset_from_config(config)
    assert derived.params["has_SWA"] is False  # max_window_layers = 28 = every layer: full attention
    assert any("max_window_layers" in n for n in derived.notes)
    config["max_window_layers"] = 20
    assert preset_from_config(config).params["has_SWA"] is True


def test_llama_swa_keys_are_ignored():
    config = load("Meta-Llama-3-8B")
    config["sliding_window"] = 1024
    assert preset_from_config(config).params["has_SWA"] is False


def test_tied_embeddings_count_once():
    config = load("Meta-Llama-3-8B")
    config["tie_word_embeddings"] = True
    assert preset_from_config(config).params["n_params"] == 8_030_261_248 - 128256 * 4096


def test_llama_attention_bias_adds_the_bias_vectors():
    config = load("Meta-Llama-3-8B")
    config["attention_bias"] = True
    per_layer = 4096 + 1024 + 1024 + 4096  # q, k, v and o biases
    assert preset_from_config(config).params["n_params"] == 8_030_261_248 + 32 * per_layer


def test_missing_kv_heads_means_full_multi_head_attention():
    config = load("Meta-Llama-3-8B")
    del config["num_key_value_heads"]
    assert preset_from_config(config).params["n_kv_heads"] == 32


def test_head_dim_wins_over_hidden_size_divided_by_heads():
    config = load("Mistral-7B-v0.1")
    config.update(hidden_size=5120, head_dim=128)  # Mistral-Nemo's layout: 32 × 128 ≠ 5120
    assert preset_from_config(config).params["d_head"] == 128


def test_family_override_reads_a_fork_with_the_llama_layout():
    config = load("Meta-Llama-3-8B")
    config["model_type"] = "my_llama_fork"
    derived = preset_from_config(config, family="llama")
    assert derived.params["n_params"] == 8_030_261_248 and derived.family == "llama"


def test_given_n_params_lets_an_unknown_family_through():
    config = load("Meta-Llama-3-8B")
    config["model_type"] = "falcon"
    derived = preset_from_config(config, n_params=7.2e9)
    assert derived.params["n_params"] == 7.2e9 and derived.params["n_kv_heads"] == 8
    assert any("n_params was given" in n for n in derived.notes)


def test_hugging_face_cache_folder_gives_the_hub_name(tmp_path):
    snapshot = tmp_path / "models--meta-llama--Meta-Llama-3-8B" / "snapshots" / ("0123456789abcdef" * 3)[:40]
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text((CONFIGS / "Meta-Llama-3-8B" / "config.json").read_text())
    assert preset_from_config(snapshot).name == "meta-llama/Meta-Llama-3-8B"


# ── unknown families and missing fields ──────────────────────────────────────


def test_unknown_family_is_rejected_naming_model_type_and_the_missing_count():
    config = load("Meta-Llama-3-8B")
    config["model_type"] = "falcon"
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "model_type"
    message = str(exc.value)
    assert "falcon" in message and "n_params" in message
    assert all(family in message for family in SUPPORTED_FAMILIES)


def test_unknown_family_error_names_every_other_missing_field():
    with pytest.raises(InputError) as exc:
        preset_from_config({"model_type": "mamba", "hidden_size": 768})
    assert exc.value.field == "model_type"
    for missing in ("num_attention_heads", "num_hidden_layers", "rope_theta", "max_position_embeddings"):
        assert missing in exc.value.errors


def test_multimodal_config_hints_at_its_text_config():
    with pytest.raises(InputError) as exc:
        preset_from_config({"model_type": "llava", "text_config": {"model_type": "llama"}})
    assert "text_config" in str(exc.value)


@pytest.mark.parametrize(
    "field",
    [
        "hidden_size",
        "num_attention_heads",
        "num_hidden_layers",
        "vocab_size",
        "intermediate_size",
        "max_position_embeddings",
        "model_type",
    ],
)
def test_missing_field_is_named(field):
    config = load("Meta-Llama-3-8B")
    del config[field]
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert field in exc.value.errors
    assert "missing" in exc.value.errors[field]


def test_all_missing_fields_are_named_at_once():
    config = load("Qwen2.5-7B")
    for field in ("vocab_size", "intermediate_size", "num_hidden_layers"):
        del config[field]
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert {"vocab_size", "intermediate_size", "num_hidden_layers"} <= set(exc.value.errors)


# ── malformed and hostile configs ────────────────────────────────────────────


@pytest.mark.parametrize(
    "field, value",
    [
        ("hidden_size", "4096"),  # a string, not a number
        ("hidden_size", 4096.5),  # not whole
        ("hidden_size", True),  # a boolean is not a number
        ("hidden_size", -4096),  # negative size
        ("hidden_size", 0),
        ("num_attention_heads", 10**30),  # huge
        ("num_hidden_layers", -1),
        ("vocab_size", 1e300),
        ("intermediate_size", [14336]),
        ("num_key_value_heads", {"a": {"b": [1, 2, {"c": None}]}}),  # nested garbage
        ("num_key_value_heads", 64),  # more KV heads than query heads
        ("num_key_value_heads", 5),  # does not divide 32 heads
        ("max_position_embeddings", -8192),
        ("rope_theta", -500000.0),
        ("rope_theta", 0),
        ("rope_theta", "500000"),
        ("rope_theta", 1e300),
        ("tie_word_embeddings", "false"),  # truthy text must not pass for a flag
        ("head_dim", 0),
        ("rope_scaling", [8.0]),
        ("model_type", 42),
        ("model_type", "x" * 1000),
    ],
)
def test_bad_field_is_rejected_naming_it(field, value):
    config = load("Meta-Llama-3-8B")
    config[field] = value
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert field in exc.value.errors, exc.value.errors
    assert len(str(exc.value)) < 1000


def test_hidden_size_not_divisible_by_heads_without_head_dim_is_rejected():
    config = load("Meta-Llama-3-8B")
    config["hidden_size"] = 4100
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert "hidden_size" in exc.value.errors


def test_original_length_beyond_the_context_is_rejected():
    config = load("Meta-Llama-3.1-8B")
    config["rope_scaling"]["original_max_position_embeddings"] = 10**6
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "rope_scaling.original_max_position_embeddings"


def test_a_count_beyond_the_preset_range_is_rejected_naming_n_params():
    config = load("Meta-Llama-3-8B")
    config.update(
        hidden_size=1_000_000,
        intermediate_size=4_000_000,
        num_hidden_layers=1000,
        num_attention_heads=1000,
        num_key_value_heads=1000,
        head_dim=1000,
    )
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "n_params" and "counted from" in str(exc.value)


def test_a_tiny_model_is_rejected_naming_n_params():
    config = load("Meta-Llama-3-8B")
    config.update(
        hidden_size=8,
        intermediate_size=16,
        vocab_size=10,
        num_hidden_layers=1,
        num_attention_heads=1,
        num_key_value_heads=1,
    )
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "n_params"


@pytest.mark.parametrize(
    "text, why",
    [
        ("this is not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2, 3]", "JSON object"),
        ('"a string"', "JSON object"),
        ('{"hidden_size": NaN}', "not valid JSON"),
        ('{"hidden_size": Infinity}', "not valid JSON"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ("[" * 100_000 + "]" * 100_000, "JSON"),
        ('{"vocab_size": ' + "9" * 5000 + "}", "not valid JSON"),
    ],
)
def test_malformed_file_is_rejected_naming_config(tmp_path, text, why):
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        preset_from_config(path)
    assert exc.value.field == "config" and why in str(exc.value)


def test_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "config.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError) as exc:
        preset_from_config(path)
    assert exc.value.field == "config" and "UTF-8" in str(exc.value)


def test_a_100_mb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "config.json"
    with open(path, "w") as fh:
        fh.write('{"model_type": "')
        fh.write("x" * 100_000_000)
        fh.write('"}')
    with pytest.raises(InputError) as exc:
        preset_from_config(path)
    assert exc.value.field == "config" and "bytes" in str(exc.value)
    assert len(str(exc.value)) < 400


def test_a_100_mb_string_in_a_dict_is_rejected_with_a_short_message():
    config = load("Meta-Llama-3-8B")
    config["model_type"] = "x" * 100_000_000
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "model_type" and len(str(exc.value)) < 400


def test_a_100_mb_string_in_a_number_field_is_rejected_with_a_short_message():
    config = load("Meta-Llama-3-8B")
    config["hidden_size"] = "9" * 100_000_000
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "hidden_size" and len(str(exc.value)) < 400


@pytest.mark.parametrize("config", [None, 42, b"{}", ["config.json"], "", "   ", "config\x00.json"])
def test_what_is_not_a_path_or_dict_is_rejected(config):
    with pytest.raises(InputError) as exc:
        preset_from_config(config)
    assert exc.value.field == "config"


def test_missing_file_and_folder_without_config_are_rejected(tmp_path):
    for path in (tmp_path / "nope.json", tmp_path):
        with pytest.raises(InputError) as exc:
            preset_from_config(path)
        assert exc.value.field == "config"


def test_unknown_family_override_is_rejected():
    with pytest.raises(InputError) as exc:
        preset_from_config(load("Meta-Llama-3-8B"), family="falcon")
    assert exc.value.field == "family"


def test_bad_n_params_override_is_rejected():
    with pytest.raises(InputError) as exc:
        preset_from_config(load("Meta-Llama-3-8B"), n_params=-1)
    assert exc.value.field == "n_params"


def test_the_config_is_not_modified():
    config = load("Meta-Llama-3.1-8B")
    before = copy.deepcopy(config)
    preset_from_config(config)
    assert config == before
