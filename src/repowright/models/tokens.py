"""Token estimates for budgeting prompts when no provider tokenizer is at hand.

A fixed ~4 characters per token is the usual rule of thumb for English and code; it is
used only to size prompts, never for billing (billing uses the provider's usage numbers).
"""

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN
