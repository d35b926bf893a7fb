#!/usr/bin/env python3
"""tests/guest/alu/gen_cases.py — writes alu_cases.h: one inline-asm case per line with the
expected result computed here on the host from the Arm ARM pseudocode semantics (not by
running any emulator). Run `python3 gen_cases.py > alu_cases.h` after changing a case."""
M64 = (1 << 64) - 1
M32 = (1 << 32) - 1

def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v

def nzcv_add(a, b, c, bits):
    m = (1 << bits) - 1
    u = (a & m) + (b & m) + c
    s = sx(a, bits) + sx(b, bits) + c
    r = u & m
    n = r >> (bits - 1); z = int(r == 0); cf = int(u != r); v = int(sx(r, bits) != s)
    return r, (n << 31) | (z << 30) | (cf << 29) | (v << 28)

def clz(v, bits):
    for i in range(bits - 1, -1, -1):
        if v >> i & 1: return bits - 1 - i
    return bits

def cls(v, bits):
    return clz((v ^ (v >> 1)) & ((1 << (bits - 1)) - 1), bits - 1)

def rbit(v, bits):
    return int(format(v & ((1 << bits) - 1), '0%db' % bits)[::-1], 2)

def rev_bytes(v, nbytes):
    return int.from_bytes((v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, 'little'), 'big')

def rev_in(v, chunk, bits):
    r = 0
    for i in range(0, bits, chunk * 8):
        r |= rev_bytes(v >> i, chunk) << i
    return r

def ror(v, s, bits):
    m = (1 << bits) - 1; s %= bits; v &= m
    return ((v >> s) | (v << (bits - s))) & m

def crc(acc, data, nbytes, poly):
    acc &= M32
    for i in range(nbytes):
        acc ^= (data >> (8 * i)) & 0xff
        for _ in range(8):
            acc = (acc >> 1) ^ (poly if acc & 1 else 0)
    return acc

def udiv(a, b, bits):
    m = (1 << bits) - 1
    return 0 if b & m == 0 else (a & m) // (b & m)

def sdiv(a, b, bits):
    m = (1 << bits) - 1
    a, b = sx(a, bits), sx(b, bits)
    if b == 0: return 0
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0): q = -q
    return q & m

def ubfx(v, lsb, w): return (v >> lsb) & ((1 << w) - 1)
def sbfx(v, lsb, w, bits): return sx(ubfx(v, lsb, w), w) & ((1 << bits) - 1)
def bfi(d, s, lsb, w, bits):
    mk = ((1 << w) - 1) << lsb
    return ((d & ~mk) | ((s << lsb) & mk)) & ((1 << bits) - 1)
def bfxil(d, s, lsb, w, bits):
    mk = (1 << w) - 1
    return ((d & ~mk) | ((s >> lsb) & mk)) & ((1 << bits) - 1)

A = 0x0123456789abcdef
B = 0xfedcba9876543210
C = 0x8000000000000000
P = 0x00000000deadbeef
cases = []   # (name, kind, asm, a, b, expected)
def r2(name, asm, a, b, exp): cases.append((name, 'R2', asm, a, b, exp & M64))
def r1(name, asm, a, exp): cases.append((name, 'R1', asm, a, 0, exp & M64))
def fl(name, asm, a, b, exp): cases.append((name, 'FL', asm, a, b, exp & M64))

# add/sub and flags
for (a, b) in [(A, B), (M64, 1), (C, C), (0x7fffffffffffffff, 1), (5, 7)]:
    r2('add %x+%x' % (a, b), 'add %0, %1, %2', a, b, a + b)
    r2('sub %x-%x' % (a, b), 'sub %0, %1, %2', a, b, a - b)
    fl('adds nzcv %x+%x' % (a, b), 'adds %0, %1, %2', a, b, nzcv_add(a, b, 0, 64)[1])
    fl('subs nzcv %x-%x' % (a, b), 'subs %0, %1, %2', a, b, nzcv_add(a, ~b & M64, 1, 64)[1])
    fl('adds w nzcv %x+%x' % (a & M32, b & M32), 'adds %w0, %w1, %w2', a, b, nzcv_add(a, b, 0, 32)[1])
    fl('subs w nzcv %x-%x' % (a & M32, b & M32), 'subs %w0, %w1, %w2', a, b, nzcv_add(a, ~b & M32, 1, 32)[1])
r2('add w wraps', 'add %w0, %w1, %w2', 0xffffffff, 2, 1)
r2('add lsl #12', 'add %0, %1, %2, lsl #12', A, 3, A + (3 << 12))
r2('add asr #3', 'add %0, %1, %2, asr #3', 1, C, 1 + ((sx(C, 64) >> 3) & M64))
r2('sub uxtb', 'sub %0, %1, %w2, uxtb #2', 1000, 0x1ff, 1000 - 0xff * 4)
r2('add sxth', 'add %0, %1, %w2, sxth', 0, 0x8000, sx(0x8000, 16))
r2('add sxtw #1', 'add %0, %1, %w2, sxtw #1', 10, 0xfffffffe, 10 - 4)
r2('adc carry set', 'cmp xzr, xzr\n\tadc %0, %1, %2', A, B, A + B + 1)
r2('sbc carry clear', 'cmn %1, %1\n\tsbc %0, %1, %2', 5, 7, 5 - 7 - 1)  # 5+5 no carry -> C=0
r2('neg', 'neg %0, %1', A, 0, -A)
# logical
r2('and', 'and %0, %1, %2', A, B, A & B)
r2('orr', 'orr %0, %1, %2', A, B, A | B)
r2('eor', 'eor %0, %1, %2', A, B, A ^ B)
r2('bic', 'bic %0, %1, %2', A, B, A & ~B)
r2('orn', 'orn %0, %1, %2', A, B, A | ~B)
r2('eon ror #8', 'eon %0, %1, %2, ror #8', A, B, A ^ ~ror(B, 8, 64))
r1('and imm 0xff00ff00ff00ff00', 'and %0, %1, #0xff00ff00ff00ff00', A, A & 0xff00ff00ff00ff00)
r1('orr w imm 0x3ffc', 'orr %w0, %w1, #0x3ffc', A, (A | 0x3ffc) & M32)
fl('ands nzcv', 'ands %0, %1, %2', C, M64, 1 << 31)
fl('tst zero', 'ands xzr, %1, %2', A, ~A & M64, 1 << 30)
# shifts
for s in [0, 1, 31, 32, 63, 64, 65]:
    r2('lsl %d' % s, 'lsl %0, %1, %2', A, s, A << (s % 64))
    r2('lsr %d' % s, 'lsr %0, %1, %2', B, s, B >> (s % 64))
    r2('asr %d' % s, 'asr %0, %1, %2', B, s, sx(B, 64) >> (s % 64))
    r2('ror %d' % s, 'ror %0, %1, %2', A, s, ror(A, s, 64))
    r2('lsl w %d' % s, 'lsl %w0, %w1, %w2', A, s, (A << (s % 32)) & M32)
    r2('asr w %d' % s, 'asr %w0, %w1, %w2', B, s, (sx(B, 32) >> (s % 32)) & M32)
r2('extr #12', 'extr %0, %1, %2, #12', A, B, ((A << 64 | B) >> 12))
r2('extr w #5', 'extr %w0, %w1, %w2, #5', A, B, (((A & M32) << 32 | (B & M32)) >> 5) & M32)
# bitfields
r1('ubfx 8,12', 'ubfx %0, %1, #8, #12', A, ubfx(A, 8, 12))
r1('sbfx 60,4', 'sbfx %0, %1, #60, #4', B, sbfx(B, 60, 4, 64))
r1('sbfx w 4,8', 'sbfx %w0, %w1, #4, #8', 0xf80, sbfx(0xf80, 4, 8, 32))
r2('bfi 16,8', 'mov %0, %1\n\tbfi %0, %2, #16, #8', A, B, bfi(A, B, 16, 8, 64))
r2('bfxil 40,16', 'mov %0, %1\n\tbfxil %0, %2, #40, #16', A, B, bfxil(A, B, 40, 16, 64))
r1('ubfiz 4,8', 'ubfiz %0, %1, #4, #8', B, (B & 0xff) << 4)
r1('sbfiz 60,4', 'sbfiz %0, %1, #60, #4', 0xf, 0xf << 60)
r1('sxtb', 'sxtb %0, %w1', 0x80, sx(0x80, 8))
r1('sxth', 'sxth %0, %w1', 0x1234fedc, sx(0xfedc, 16))
r1('sxtw', 'sxtw %0, %w1', 0x80000000, sx(0x80000000, 32))
r1('uxth', 'uxth %w0, %w1', 0x1234fedc, 0xfedc)
# move wide
r1('movz/movk', 'movz %0, #0x1234, lsl #48\n\tmovk %0, #0xabcd, lsl #16', 0, 0x1234 << 48 | 0xabcd << 16)
r1('movn', 'movn %0, #0x5678, lsl #16', 0, ~(0x5678 << 16))
r1('movn w', 'movn %w0, #1', 0, (~1) & M32)
# multiply / divide
r2('mul', 'mul %0, %1, %2', A, B, A * B)
r2('mul w', 'mul %w0, %w1, %w2', A, B, ((A & M32) * (B & M32)) & M32)
r2('madd', 'madd %0, %1, %2, %1', A, B, A * B + A)
r2('msub', 'msub %0, %1, %2, %2', A, B, B - A * B)
r2('smulh', 'smulh %0, %1, %2', A, B, (sx(A, 64) * sx(B, 64)) >> 64)
r2('umulh', 'umulh %0, %1, %2', A, B, (A * B) >> 64)
r2('smull', 'smull %0, %w1, %w2', 0x80000000, 0x7fffffff, sx(0x80000000, 32) * 0x7fffffff)
r2('umull', 'umull %0, %w1, %w2', M32, M32, M32 * M32)
r2('smaddl', 'smaddl %0, %w1, %w2, %1', 0xfffffffe, 3, sx(0xfffffffe, 32) * 3 + 0xfffffffe)
r2('umsubl', 'umsubl %0, %w1, %w2, %2', 0xfffffffe, 3, 3 - 0xfffffffe * 3)
for (a, b) in [(A, 7), (B, 0x10000), (C, M64), (A, 0), (M64, 3)]:
    r2('udiv %x/%x' % (a, b), 'udiv %0, %1, %2', a, b, udiv(a, b, 64))
    r2('sdiv %x/%x' % (a, b), 'sdiv %0, %1, %2', a, b, sdiv(a, b, 64))
    r2('sdiv w %x/%x' % (a & M32, b & M32), 'sdiv %w0, %w1, %w2', a, b, sdiv(a, b, 32))
r2('sdiv w INT_MIN/-1', 'sdiv %w0, %w1, %w2', 0x80000000, M32, 0x80000000)
# bit ops
for v in [0, 1, A, B, C, M64, 0x00000000ffff0000]:
    r1('clz %x' % v, 'clz %0, %1', v, clz(v, 64))
    r1('cls %x' % v, 'cls %0, %1', v, cls(v, 64))
    r1('clz w %x' % (v & M32), 'clz %w0, %w1', v, clz(v & M32, 32))
    r1('cls w %x' % (v & M32), 'cls %w0, %w1', v, cls(v & M32, 32))
r1('rbit', 'rbit %0, %1', A, rbit(A, 64))
r1('rbit w', 'rbit %w0, %w1', A, rbit(A, 32))
r1('rev', 'rev %0, %1', A, rev_bytes(A, 8))
r1('rev w', 'rev %w0, %w1', A, rev_bytes(A, 4))
r1('rev16', 'rev16 %0, %1', A, rev_in(A, 2, 64))
r1('rev32', 'rev32 %0, %1', A, rev_in(A, 4, 64))
r1('rev16 w', 'rev16 %w0, %w1', A, rev_in(A, 2, 32))
# CRC32 (FEAT_CRC32)
for (name, n, reg, poly) in [('crc32b', 1, 'w', 0xEDB88320), ('crc32h', 2, 'w', 0xEDB88320),
                             ('crc32w', 4, 'w', 0xEDB88320), ('crc32x', 8, 'x', 0xEDB88320),
                             ('crc32cb', 1, 'w', 0x82F63B78), ('crc32ch', 2, 'w', 0x82F63B78),
                             ('crc32cw', 4, 'w', 0x82F63B78), ('crc32cx', 8, 'x', 0x82F63B78)]:
    src = '%2' if reg == 'x' else '%w2'
    for acc in [0xffffffff, 0x12345678]:
        r2('%s %x' % (name, acc), '%s %%w0, %%w1, %s' % (name, src), acc, A, crc(acc, A, n, poly))
# conditional
r2('csel eq', 'cmp %1, %1\n\tcsel %0, %1, %2, eq', A, B, A)
r2('csel lt', 'cmp %1, %2\n\tcsel %0, %1, %2, lt', A, B, A if sx(A, 64) < sx(B, 64) else B)
r2('csel lo', 'cmp %1, %2\n\tcsel %0, %1, %2, lo', A, B, A if A < B else B)
r2('csinc ne', 'cmp %1, %1\n\tcsinc %0, %1, %2, ne', A, B, B + 1)
r2('csinv hi', 'cmp %2, %1\n\tcsinv %0, %1, %2, hi', A, B, A)
r2('csneg ge', 'cmp %1, %2\n\tcsneg %0, %1, %2, ge', A, B, A if sx(A, 64) >= sx(B, 64) else -B)
r2('cset gt', 'cmp %1, %2\n\tcset %0, gt', A, B, int(sx(A, 64) > sx(B, 64)))
r2('csetm mi', 'cmp %1, %2\n\tcsetm %0, mi', 1, 2, M64)
fl('ccmp taken', 'cmp %1, %1\n\tccmp %1, %2, #0, eq', 3, 3, 0x60000000)   # eq -> cmp 3,3: Z C
fl('ccmp not taken', 'cmp %1, %2\n\tccmp %1, %2, #0x9, eq', 3, 4, 0x90000000)
fl('ccmn imm', 'cmp %1, %1\n\tccmn %1, #1, #0, eq', M64, 0, 0x60000000)
# flag-setting arithmetic with carry in
fl('adcs carry chain', 'cmp xzr, xzr\n\tadcs %0, %1, %2', M64, 0, nzcv_add(M64, 0, 1, 64)[1])
fl('sbcs w', 'cmn %1, %1\n\tsbcs %w0, %w1, %w2', 0x7fffffff, M32, nzcv_add(0x7fffffff, 0, 0, 32)[1])

print('/* Generated by gen_cases.py — do not edit. name, kind, expected; the asm is in the macro. */')
for i, (name, kind, asm, a, b, exp) in enumerate(cases):
    asm_c = asm.replace('\n', '\\n').replace('\t', '\\t')
    print('CASE_%s(%d, "%s", "%s", 0x%xull, 0x%xull, 0x%xull)' % (kind, i, name, asm_c, a, b, exp))
