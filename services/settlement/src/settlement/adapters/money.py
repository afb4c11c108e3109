"""Money for people to read: fen as yuan with two decimals, and in Chinese capitals (大写)."""

from __future__ import annotations

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "万亿")


def yuan(fen: int) -> str:
    """``123456`` → ``"1234.56"``; integer arithmetic only."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _section(number: int) -> str:
    """Four digits or fewer in capitals, with 零 for inner gaps (e.g. 1005 → 壹仟零伍)."""
    out, gap = "", False
    for pos in range(3, -1, -1):
        digit = number // 10**pos % 10
        if digit == 0:
            gap = bool(out)
            continue
        out += ("零" if gap else "") + _DIGITS[digit] + _SMALL[pos]
        gap = False
    return out


def _whole(number: int) -> str:
    parts, out, pending_zero = [], "", False
    while number:
        number, section = divmod(number, 10_000)
        parts.append(section)
    for index in range(len(parts) - 1, -1, -1):
        section = parts[index]
        if section == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or section < 1000):
            out += "零"
        out += _section(section) + _BIG[index]
        pending_zero = False
    return out


def in_words(fen: int) -> str:
    """The amount as written on a voucher, e.g. 12345 fen → 壹佰贰拾叁元肆角伍分."""
    if fen == 0:
        return "零元整"
    sign = "负" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    jiao, fen_part = divmod(cents, 10)
    text = f"{_whole(whole)}元" if whole else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif whole and fen_part:
        text += "零"
    if fen_part:
        text += _DIGITS[fen_part] + "分"
    else:
        text += "整"
    return sign + text
