"""transformers' generation on the megakernel.

    import amk.hf
    from transformers import AutoTokenizer, TextStreamer
    tok = AutoTokenizer.from_pretrained(MODEL)
    model = amk.hf.from_pretrained(MODEL, chip="sm_90a")  # compile, open
    ids = tok("The sky is", return_tensors="pt").input_ids
    model.generate(ids, max_new_tokens=64, streamer=TextStreamer(tok))

``from_pretrained`` returns a ``PreTrainedModel`` + ``GenerationMixin``
whose forward runs the megakernel, so ``generate`` drives it with its own
logits processors (greedy, sampling, temperature, top-k/p, repetition
penalty), stopping criteria, ``eos_token_id`` and streamers. The KV state
lives inside the megakernel session, not in transformers' cache: ``Feed``
keeps the ids the session holds and feeds only what a call adds (a call
sharing a prefix with the last one resumes there; anything else starts at
position 0, whose rows overwrite the old ones). Batch size 1.
"""
from . import compiler
from .errors import AmkError, RunError
from .runtime import Megakernel


def common_prefix(a, b):
    """The length of the longest common prefix of two id lists."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class Feed:
    """The megakernel session's KV bookkeeping for a driver that passes
    whole sequences (as ``generate`` does without a cache): ``logits(batch)``
    returns the next-token logits of each sequence's last position, feeding
    only the ids the session does not hold yet. ``steps`` counts the
    positions fed (for tests and statistics)."""

    def __init__(self, session):
        self.session = session
        self.fed = []
        self.steps = 0

    def logits(self, batch):
        if len(batch) != 1:
            raise AmkError("batch size %d: the KV cache lives in one "
                           "megakernel session, so only batch size 1 is "
                           "supported" % len(batch))
        ids = [int(t) for t in batch[0]]
        if not ids:
            raise AmkError("an empty sequence has no next-token logits")
        if len(ids) > self.session.max_seq:
            raise AmkError("%d tokens exceed the %d KV rows of the session "
                           "(compile with more kv_rows or pass max_seq)"
                           % (len(ids), self.session.max_seq))
        start = min(common_prefix(ids, self.fed), len(ids) - 1)
        if start == 0:
            self.session.rewind()
        self.fed = ids[:start]
        out = None
        try:
            for pos in range(start, len(ids)):
                out = self.session.step(ids[pos], pos=pos,
                                        logits=pos == len(ids) - 1)
                self.steps += 1
                self.fed.append(ids[pos])
        except (AmkError, RunError):
            self.fed = []  # a failed step stops the session: start over
            raise
        return [out[1]]

    def reset(self):
        """Forgets what the session holds (the next call starts at 0)."""
        self.fed = []


def _require():
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as e:
        raise AmkError("amk.hf needs transformers and torch (%s): pip install "
                       "transformers torch; without them use "
                       "amk.Megakernel.generate with token ids" % e) from None


def _model_class():
    """AmkForCausalLM, defined once transformers can be imported."""
    _require()
    import torch
    from transformers import GenerationMixin, PreTrainedModel
    from transformers.modeling_outputs import CausalLMOutputWithPast

    class AmkForCausalLM(PreTrainedModel, GenerationMixin):
        """A causal LM whose forward is the megakernel (see amk.hf)."""
        main_input_name = "input_ids"
        base_model_prefix = "amk"
        _supports_cache_class = False
        _is_stateful = True

        def __init__(self, config, session):
            super().__init__(config)
            self.megakernel = session
            self.feed = Feed(session)
            # No weights on the torch side; one frozen parameter gives
            # .device and .dtype (which look at the parameters).
            self._amk_anchor = torch.nn.Parameter(torch.zeros(1),
                                                  requires_grad=False)

        @classmethod
        def can_generate(cls):
            return True

        def _init_weights(self, module):
            pass

        def get_input_embeddings(self):
            return None

        def prepare_inputs_for_generation(self, input_ids, **kwargs):
            # The whole sequence every step: Feed feeds only what is new.
            return {"input_ids": input_ids}

        def forward(self, input_ids=None, return_dict=True, **kwargs):
            if input_ids is None:
                raise AmkError("the megakernel takes input_ids (no "
                               "inputs_embeds)")
            rows = self.feed.logits(input_ids.tolist())
            logits = torch.tensor(rows, dtype=torch.float32,
                                  device=self._amk_anchor.device)[:, None, :]
            return CausalLMOutputWithPast(logits=logits)

        def close(self):
            self.megakernel.close()

    return AmkForCausalLM


def from_pretrained(model_dir, chip="sm_90a", device="cuda", max_seq=4096,
                    kernel=None, out_dir=None, timeout_ms=2000, progress=None,
                    **knobs):
    """The checkpoint in ``model_dir`` compiled for ``chip`` (knobs as
    amk.compile; ``kernel``: an already compiled Kernel or .ptx instead),
    opened on ``device`` ("cuda" or "cpu"), as a transformers model that
    ``generate`` drives. Its ``generation_config`` is the checkpoint's
    generation_config.json when there is one; ``close()`` frees the
    session. AmkError when transformers or torch is missing."""
    cls = _model_class()
    from transformers import AutoConfig, GenerationConfig
    try:
        config = AutoConfig.from_pretrained(str(model_dir))
    except Exception as e:  # noqa: BLE001 - transformers' own refusal
        raise AmkError("transformers cannot read %s/config.json: %s"
                       % (model_dir, e)) from None
    if kernel is None:
        kernel = compiler.compile(str(model_dir), chip=chip, out_dir=out_dir,
                                  progress=progress, **knobs)
    session = Megakernel(kernel, str(model_dir), max_seq=max_seq,
                         device=device, timeout_ms=timeout_ms)
    model = cls(config, session)
    try:
        model.generation_config = GenerationConfig.from_pretrained(
            str(model_dir))
    except Exception:  # noqa: BLE001 - no generation_config.json
        model.generation_config = GenerationConfig.from_model_config(config)
    model.generation_config.use_cache = False  # the KV state is the session's
    model.eval()
    return model
