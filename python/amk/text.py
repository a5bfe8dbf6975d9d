"""Text in and out: the checkpoint's tokenizer and chat template.

``load(model_dir)`` returns a Codec over transformers' ``AutoTokenizer``
when transformers is installed (encode, decode and the chat template of
tokenizer_config.json), else over the ``tokenizers`` package's
``Tokenizer`` of tokenizer.json (encode and decode; no chat template). What
is missing is named in an AmkError; token ids work without either.
"""
import importlib.util
import json
import os

from .errors import AmkError


def _has(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class Codec:
    """``encode(text)`` -> ids, ``decode(ids)`` -> text, ``chat(messages)``
    -> the prompt ids of the chat template (generation prompt added),
    ``eos_ids``: the end-of-sequence ids of the checkpoint."""

    def __init__(self, model_dir, tokenizer, kind):
        self.model_dir, self.tokenizer, self.kind = model_dir, tokenizer, kind
        self.eos_ids = eos_ids(model_dir)

    def encode(self, text):
        if self.kind == "transformers":
            return list(self.tokenizer.encode(text))
        return list(self.tokenizer.encode(text).ids)

    def decode(self, ids):
        if self.kind == "transformers":
            return self.tokenizer.decode(list(ids), skip_special_tokens=True)
        return self.tokenizer.decode(list(ids))

    def chat(self, messages):
        if self.kind != "transformers":
            raise AmkError("chat is not available: the chat template needs "
                           "the 'transformers' package (pip install "
                           "transformers); pass a prompt or token ids")
        if not getattr(self.tokenizer, "chat_template", None):
            raise AmkError("chat is not available: %s has no chat template "
                           "(tokenizer_config.json's chat_template)"
                           % self.model_dir)
        try:
            ids = self.tokenizer.apply_chat_template(
                list(messages), add_generation_prompt=True, tokenize=True)
        except Exception as e:  # noqa: BLE001 - a template's own error
            raise AmkError("the chat template failed: %s" % e) from None
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return list(ids)


def load(model_dir):
    """The Codec of ``model_dir``; AmkError naming what is missing."""
    model_dir = str(model_dir)
    if not os.path.isfile(os.path.join(model_dir, "tokenizer.json")) and \
            not os.path.isfile(os.path.join(model_dir,
                                            "tokenizer_config.json")):
        raise AmkError("text is not available: %s has no tokenizer.json; "
                       "pass token ids instead" % model_dir)
    if _has("transformers"):
        try:
            from transformers import AutoTokenizer
            return Codec(model_dir, AutoTokenizer.from_pretrained(model_dir),
                         "transformers")
        except ImportError:
            pass
        except Exception as e:  # noqa: BLE001
            raise AmkError("transformers cannot load the tokenizer of %s: %s"
                           % (model_dir, e)) from None
    from .runtime import load_tokenizer
    return Codec(model_dir, load_tokenizer(model_dir), "tokenizers")


def eos_ids(model_dir):
    """The eos_token_id(s) of generation_config.json, else config.json."""
    for name in ("generation_config.json", "config.json"):
        try:
            with open(os.path.join(str(model_dir), name),
                      encoding="utf-8") as f:
                value = json.load(f).get("eos_token_id")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int):
            return (value,)
        if isinstance(value, list) and value:
            return tuple(v for v in value if isinstance(v, int))
    return ()
