"""The outer loop's per-quantity uniform streams in one compiled pass (Numba): NumPy's own algorithms, rewritten.

``uncertainty._Specs.draw`` gives every ranged quantity its own stream,
``Generator(PCG64(SeedSequence([key, crc32(name)]))).random(n_outer)``: some 300 quantities, each costing
NumPy ~40 µs to build (the seed sequence's hashing and the generator's set-up run as Python-level calls), about
12 ms per block. :func:`uniforms` computes the same numbers in one kernel: the seed sequence's entropy mixing
(``numpy.random.SeedSequence``: pool of four 32-bit words, ``hashmix``/``mix``, ``generate_state(4, uint64)``),
the PCG64 seeding (``pcg64_set_seed``: the 128-bit LCG's state and increment) and PCG64's XSL-RR output turned
into doubles as ``Generator.random`` does (``(next64 >> 11) * 2**-53``). Integer arithmetic only: the numbers are
bit for bit NumPy's (tests/sim/test_core_overhead.py checks the pool, the state and the draws against NumPy).
"""

from __future__ import annotations

import numpy as np

from .kernels import _jit

_M32 = np.uint64(0xFFFFFFFF)
# numpy/random/bit_generator.pyx
_INIT_A = np.uint64(0x43B0D7E5)
_MULT_A = np.uint64(0x931E8875)
_INIT_B = np.uint64(0x8B51F9DD)
_MULT_B = np.uint64(0x58F38DED)
_MIX_MULT_L = np.uint64(0xCA01F9DD)
_MIX_MULT_R = np.uint64(0x4973F715)
_XSHIFT = np.uint64(16)
_POOL_SIZE = 4
# numpy/random/src/pcg64/pcg64.h: PCG_DEFAULT_MULTIPLIER_128
_PCG_MULT_HI = np.uint64(2549297995355413924)
_PCG_MULT_LO = np.uint64(4865540595714422341)
_ONE = np.uint64(1)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_S58 = np.uint64(58)
_S63 = np.uint64(63)
_S64 = np.uint64(64)
_TO_DOUBLE = 1.0 / 9007199254740992.0


def int_words(n: int) -> np.ndarray:
    """A non-negative Python int as SeedSequence reads it: 32-bit words, least significant first ([0] for 0)."""
    words = [0] if n == 0 else []
    while n > 0:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return np.array(words, dtype=np.uint64)


@_jit
def _hashmix(value: np.uint64, hash_const: np.uint64) -> tuple[np.uint64, np.uint64]:
    """``bit_generator.pyx: hashmix`` on 32-bit words held in uint64: (mixed value, next hash constant)."""
    value = (value ^ hash_const) & _M32
    hash_const = (hash_const * _MULT_A) & _M32
    value = (value * hash_const) & _M32
    value ^= value >> _XSHIFT
    return value, hash_const


@_jit
def _mix(x: np.uint64, y: np.uint64) -> np.uint64:
    """``bit_generator.pyx: mix`` (modulo 2**32)."""
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
    result ^= result >> _XSHIFT
    return result


@_jit
def pool(entropy: np.ndarray) -> np.ndarray:
    """``SeedSequence(entropy).pool`` for 32-bit entropy words (no spawn key, pool size 4), as uint64."""
    mixer = np.zeros(_POOL_SIZE, dtype=np.uint64)
    hash_const = _INIT_A
    for i in range(_POOL_SIZE):
        value = entropy[i] if i < entropy.size else np.uint64(0)
        mixer[i], hash_const = _hashmix(value, hash_const)
    for i_src in range(_POOL_SIZE):
        for i_dst in range(_POOL_SIZE):
            if i_src != i_dst:
                hashed, hash_const = _hashmix(mixer[i_src], hash_const)
                mixer[i_dst] = _mix(mixer[i_dst], hashed)
    for i_src in range(_POOL_SIZE, entropy.size):
        for i_dst in range(_POOL_SIZE):
            hashed, hash_const = _hashmix(entropy[i_src], hash_const)
            mixer[i_dst] = _mix(mixer[i_dst], hashed)
    return mixer


@_jit
def state_words(mixer: np.ndarray) -> np.ndarray:
    """``SeedSequence.generate_state(4, np.uint64)`` from the pool."""
    words = np.zeros(8, dtype=np.uint64)
    hash_const = _INIT_B
    for i in range(8):
        value = (mixer[i % _POOL_SIZE] ^ hash_const) & _M32
        hash_const = (hash_const * _MULT_B) & _M32
        value = (value * hash_const) & _M32
        value ^= value >> _XSHIFT
        words[i] = value
    out = np.zeros(4, dtype=np.uint64)
    for k in range(4):
        out[k] = words[2 * k] | (words[2 * k + 1] << _S32)
    return out


@_jit
def _mul64(a: np.uint64, b: np.uint64) -> tuple[np.uint64, np.uint64]:
    """The full 128-bit product of two 64-bit words: (high, low)."""
    a_lo = a & _M32
    a_hi = a >> _S32
    b_lo = b & _M32
    b_hi = b >> _S32
    p0 = a_lo * b_lo
    p1 = a_lo * b_hi
    p2 = a_hi * b_lo
    p3 = a_hi * b_hi
    mid = (p0 >> _S32) + (p1 & _M32) + (p2 & _M32)
    lo = (p0 & _M32) | (mid << _S32)
    hi = p3 + (p1 >> _S32) + (p2 >> _S32) + (mid >> _S32)
    return hi, lo


@_jit
def _step(s_hi: np.uint64, s_lo: np.uint64, i_hi: np.uint64, i_lo: np.uint64) -> tuple[np.uint64, np.uint64]:
    """One step of the 128-bit LCG: ``state * PCG_DEFAULT_MULTIPLIER_128 + inc`` (modulo 2**128)."""
    hi, lo = _mul64(s_lo, _PCG_MULT_LO)
    hi = hi + s_lo * _PCG_MULT_HI + s_hi * _PCG_MULT_LO
    new_lo = lo + i_lo
    carry = _ONE if new_lo < lo else np.uint64(0)
    return hi + i_hi + carry, new_lo


@_jit
def _output(s_hi: np.uint64, s_lo: np.uint64) -> np.uint64:
    """PCG64's XSL-RR output of a state."""
    x = s_hi ^ s_lo
    rot = s_hi >> _S58
    return (x >> rot) | (x << ((_S64 - rot) & _S63))


@_jit
def _stream(seed: np.ndarray, out: np.ndarray, j: int) -> None:
    """``Generator(PCG64(seed)).random(n)`` into column ``j`` of ``out``, ``seed`` = generate_state(4, uint64)."""
    # pcg64_set_seed -> pcg_setseq_128_srandom_r: inc = (initseq << 1) | 1, state = 0, step, += initstate, step
    i_hi = (seed[2] << _ONE) | (seed[3] >> _S63)
    i_lo = (seed[3] << _ONE) | _ONE
    s_hi, s_lo = i_hi, i_lo  # one step from state 0 leaves the increment
    lo = s_lo + seed[1]
    carry = _ONE if lo < s_lo else np.uint64(0)
    s_hi, s_lo = s_hi + seed[0] + carry, lo
    s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)
    for r in range(out.shape[0]):
        s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)
        out[r, j] = np.float64(_output(s_hi, s_lo) >> _S11) * _TO_DOUBLE


@_jit
def _uniforms(key_words: np.ndarray, crcs: np.ndarray, n_outer: int) -> np.ndarray:
    u = np.empty((n_outer, crcs.size))
    entropy = np.zeros(key_words.size + 1, dtype=np.uint64)
    entropy[: key_words.size] = key_words
    for j in range(crcs.size):
        entropy[key_words.size] = crcs[j]
        _stream(state_words(pool(entropy)), u, j)
    return u


def uniforms(key: int, crcs: np.ndarray, n_outer: int) -> np.ndarray:
    """(n_outer, S) uniforms: column j is ``Generator(PCG64(SeedSequence([key, crcs[j]]))).random(n_outer)``
    (``key`` below 2**64, ``crcs`` 32-bit values as uint64), bit for bit."""
    out: np.ndarray = _uniforms(int_words(key), crcs, n_outer)
    return out
