"""Synthesise resources/sounds/notification.wav: a soft two-tone chime (A5 then E6), 0.7 s.

Usage: python packaging/make_sound.py [out_file]

Generated rather than downloaded so its licence is ours and it can be
regenerated exactly: plain sines with a 5 ms attack (no click) and an
exponential decay, 22.05 kHz mono 16-bit, peak at half of full scale.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "notification.wav"
RATE = 22_050
DURATION = 0.7
PEAK = 0.5
# (frequency Hz, start s, decay time constant s, weight); a quiet octave adds the bell's shimmer.
TONES = (
    (880.0, 0.00, 0.12, 1.0),
    (1760.0, 0.00, 0.06, 0.15),
    (1318.5, 0.14, 0.20, 1.0),
    (2637.0, 0.14, 0.08, 0.15),
)
ATTACK = 0.005


def sample(t: float) -> float:
    total = 0.0
    for freq, start, decay, weight in TONES:
        local = t - start
        if local < 0:
            continue
        envelope = min(1.0, local / ATTACK) * math.exp(-local / decay)
        total += weight * envelope * math.sin(2 * math.pi * freq * local)
    return total


def chime() -> list[int]:
    raw = [sample(i / RATE) for i in range(int(RATE * DURATION))]
    scale = PEAK * 32767 / max(abs(v) for v in raw)
    fade = int(RATE * 0.02)  # end exactly at zero
    return [round(v * scale * min(1.0, (len(raw) - 1 - i) / fade)) for i, v in enumerate(raw)]


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        samples = chime()
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    write(target)
    print(target)
