"""What placeholders and markup look like in a message, shared by every check that must skip or compare them."""

from __future__ import annotations

import re

PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
