#!/usr/bin/env python3
"""scripts/capture-qemu-disas.py — regenerates the disassembler's reference
data (tests/unit/translator/qemu_in_asm_data.inc): random encodings of every
opcode in translator/insn_table.h and of the 16-bit space are assembled,
run under `qemu-riscv64 -d in_asm`, and QEMU's text for each is recorded as
"<len> <bits> <addr>|<text>" lines (facts about QEMU's output, no QEMU code).

    scripts/capture-qemu-disas.py [--ops REGEX] [--inc] [seed] [samples-per-opcode] [output]

--ops REGEX keeps the table opcodes whose names match (and no 16-bit
encodings), e.g. to add a new extension's lines; --inc writes the lines in
qemu_in_asm_data.inc's form ({len, bits, pc, "text"},) to append there.
Opcodes whose QEMU 7.2 text is wrong (QEMU_WRONG; see translator/disas.cpp)
are never captured.
"""
import argparse, os, random, re, subprocess, sys, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = tempfile.mkdtemp(prefix="hart-capture-")
# QEMU 7.2 prints these wrongly: andn/orn/xnor without rs2, ctzw as "clzw",
# slli.uw with a register for shamt (and "illegal" for shamt >= 32).
QEMU_WRONG = {'andn', 'orn', 'xnor', 'ctzw', 'slli_uw'}
ap = argparse.ArgumentParser()
ap.add_argument('--ops')
ap.add_argument('--inc', action='store_true')
ap.add_argument('seed', nargs='?', type=int, default=1)
ap.add_argument('samples', nargs='?', type=int, default=12)
ap.add_argument('output', nargs='?', default=os.path.join(WORK, 'cap.txt'))
args = ap.parse_args()
random.seed(args.seed)
N = args.samples
out = args.output
tab = open(os.path.join(ROOT, 'translator/insn_table.h')).read()
ops = re.findall(r'X\((\w+), (0x[0-9a-f]+), (0x[0-9a-f]+), (\w+),', tab)
ops = [o for o in ops if o[0] not in QEMU_WRONG and (not args.ops or re.search(args.ops, o[0]))]
def fieldbias(w, mask):
    for lo, width in ((7,5),(15,5),(20,5),(27,5),(20,12),(12,3)):
        fm = ((1<<width)-1) << lo
        if fm & mask: continue
        r = random.random()
        if r < 0.2: w &= ~fm
        elif r < 0.27: w = (w & ~fm) | (1<<lo)
        elif r < 0.32 and width==12: w |= fm
        elif r < 0.4 and width==3: w |= fm
    return w
items = []
csrs = [1,2,3,0xc00,0xc01,0xc02,0xc80,0xc81,0xc82,0x300,0x100, 0x7c0]
for name, mask, match, fmt in ops:
    mask = int(mask,16); match = int(match,16)
    for i in range(N):
        w = random.getrandbits(32)
        w = fieldbias(w, mask)
        if fmt in ('CSR','CSRI') and random.random()<0.8:
            w = (w & 0xfffff) | (random.choice(csrs) << 20)
        if fmt == 'N': w = match if i == 0 else w
        w = (w & ~mask) | match
        items.append((w, 4))
# compressed
for i in range(0 if args.ops else N*60):
    c = random.getrandbits(16)
    if c & 3 == 3: c &= ~1
    for lo,width in ((7,5),(2,5),(12,1),(2,3),(7,3)):
        fm = ((1<<width)-1) << lo
        r = random.random()
        if r < 0.12: c &= ~fm
        elif r < 0.17: c = (c & ~fm) | (1<<lo)
    if c & 3 == 3: c &= ~1
    items.append((c, 2))
# extra: specific
if not args.ops:
    items += [(0,2),(0x0001,2),(0x8082,2),(0x9002,2),(0x00000013,4),(0x00008067,4),(0x0000006f,4)]
random.shuffle(items)
pending = items
res = {}
it = 0
while pending:
    chunk = pending[:300]; pending = pending[300:]
    it += 1
    src = os.path.join(WORK, 'c.S')
    with open(src,'w') as f:
        f.write('.globl _start\n_start:\n')
        for w, l in chunk:
            f.write(('.half 0x%04x\n' if l==2 else '.half 0x%04x, 0x%04x\n' % (w & 0xffff, w >> 16)) % (w,) if l==2 else '.half 0x%04x, 0x%04x\n' % (w & 0xffff, w >> 16))
    subprocess.run(['riscv64-linux-gnu-gcc','-nostdlib','-static','-o',os.path.join(WORK, 'c'),src],check=True)
    start = [int(l.split()[0],16) for l in subprocess.run(['riscv64-linux-gnu-nm',os.path.join(WORK, 'c')],capture_output=True,text=True).stdout.splitlines() if l.endswith(' _start')][0]
    if os.path.exists(os.path.join(WORK, 'c.log')): os.unlink(os.path.join(WORK, 'c.log'))
    subprocess.run(['timeout','-s','KILL','3','qemu-riscv64','-d','in_asm','-D',os.path.join(WORK, 'c.log'),os.path.join(WORK, 'c')],capture_output=True)
    seen = {}
    for line in open(os.path.join(WORK, 'c.log')):
        m = re.match(r'^0x([0-9a-f]+):  (.*)$', line.rstrip('\n'))
        if m: seen[int(m.group(1),16)] = m.group(2)
    addr = start; rest = []
    for k,(w,l) in enumerate(chunk):
        if addr in seen:
            res[(w,l)] = (addr, seen[addr])
        else:
            rest.append((w,l))
        addr += l
    pending = rest + pending
    print(it, len(pending), file=sys.stderr)
with open(out,'w') as f:
    for (w,l),(addr,text) in sorted(res.items()):
        if args.inc:
            f.write('{%d, 0x%08x, 0x%x, "%s"},\n' % (l, w, addr, text))
        else:
            f.write('%d %08x %x|%s\n' % (l, w, addr, text))
print(out)
