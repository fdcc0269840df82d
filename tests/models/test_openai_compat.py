"""The OpenAI-compatible backend through the real `openai` SDK against a local fake server."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from repowright.models.base import (
    AuthError,
    BadRequestError,
    ContextLengthError,
    Message,
    ModelRequest,
    TransientModelError,
)
from repowright.models.openai_compat import OpenAICompatModel
from repowright.models.retry import Retrying
from repowright.prompts.structured import complete_structured
from tests.models.fake_openai import FakeReply, fake_openai


async def no_sleep(_: float) -> None:
    return None


def request(text: str = "hi") -> ModelRequest:
    return ModelRequest(messages=[Message(role="user", content=text)])


def make(url: str, **kw) -> Retrying:
    model = OpenAICompatModel("fake-model", base_url=url, api_key="sk-test", **kw)
    return Retrying(model, max_retries=3, sleep=no_sleep)


async def test_plain_completion_reports_usage() -> None:
    with fake_openai([FakeReply(text="pong")]) as server:
        resp = await make(server.url).complete(request("ping"))
    assert resp.text == "pong"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (11, 7)
    assert server.requests[0]["messages"] == [{"role": "user", "content": "ping"}]


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_transient_errors_are_retried(status: int) -> None:
    replies = [FakeReply(status=status), FakeReply(status=status), FakeReply(text="ok")]
    with fake_openai(replies) as server:
        resp = await make(server.url).complete(request())
    assert resp.text == "ok"
    assert len(server.requests) == 3


async def test_gives_up_after_max_retries() -> None:
    with (
        fake_openai([FakeReply(status=503)] * 10) as server,
        pytest.raises(TransientModelError, match="gave up after 4 attempts"),
    ):
        await make(server.url).complete(request())
    assert len(server.requests) == 4


async def test_retry_after_header_is_honoured() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    replies = [FakeReply(status=429, headers={"retry-after": "2"}), FakeReply(text="ok")]
    with fake_openai(replies) as server:
        model = OpenAICompatModel("m", base_url=server.url, api_key="k")
        await Retrying(model, sleep=record).complete(request())
    assert waits and waits[0] >= 2.0


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (401, {"message": "bad key"}, AuthError),
        (403, {"message": "forbidden"}, AuthError),
        (400, {"message": "invalid request"}, BadRequestError),
        (400, {"message": "This model's maximum context length is 8192"}, ContextLengthError),
    ],
)
async def test_final_errors_are_not_retried(status, error, expected) -> None:
    with (
        fake_openai([FakeReply(status=status, error=error)] * 3) as server,
        pytest.raises(expected),
    ):
        await make(server.url).complete(request())
    assert len(server.requests) == 1


async def test_connection_refused_is_transient() -> None:
    model = OpenAICompatModel("m", base_url="http://127.0.0.1:9/v1", api_key="k", timeout=2)
    with pytest.raises(TransientModelError, match="gave up"):
        await Retrying(model, max_retries=1, sleep=no_sleep).complete(request())


class Answer(BaseModel):
    value: int


async def test_structured_output_sends_schema_and_retries_with_error() -> None:
    replies = [FakeReply(text='{"value": "not a number"}'), FakeReply(text='{"value": 42}')]
    with fake_openai(replies) as server:
        answer = await complete_structured(
            make(server.url), [Message(role="user", content="q")], Answer
        )
    assert answer.value == 42
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"]["properties"]["value"]["type"] == "integer"
    retry_prompt = server.requests[1]["messages"][-1]["content"]
    assert "not valid JSON for the requested schema" in retry_prompt


async def test_llama_cpp_json_mode() -> None:
    with fake_openai([FakeReply(text='{"value": 1}')]) as server:
        await complete_structured(
            make(server.url, json_mode="llama_cpp"), [Message(role="user", content="q")], Answer
        )
    assert server.requests[0]["response_format"]["type"] == "json_object"
    assert "schema" in server.requests[0]["response_format"]


async def test_reasoning_models_get_the_parameters_they_accept() -> None:
    with fake_openai([FakeReply(text="ok")] * 3) as server:
        o3 = OpenAICompatModel("o3-mini", base_url=server.url, api_key="k")
        reply = await o3.complete(ModelRequest(messages=[Message(role="user", content="hi")]))
        assert reply.text == "ok"
        sent = server.requests[-1]
        assert "temperature" not in sent and "max_tokens" not in sent
        assert sent["max_completion_tokens"] > 0
        gpt = OpenAICompatModel("gpt-4.1", base_url=server.url, api_key="k")
        await gpt.complete(ModelRequest(messages=[Message(role="user", content="hi")]))
        assert server.requests[-1]["temperature"] == 0.0 and "max_tokens" in server.requests[-1]
        assert "seed" not in server.requests[-1]
        seeded = ModelRequest(messages=[Message(role="user", content="hi")], seed=3)
        await gpt.complete(seeded)
        assert server.requests[-1]["seed"] == 3
