#!/usr/bin/python3
"""Peer anchor: PyTorch CPU throughput for the WideResNet of src/models/wrn.ts (TRADES' wideresnet.py plus our
linear 'features' layer φ in front of the classifier) on CIFAR-shaped data (32×32×3, 10 classes).
Prints img/s for a training step (forward + backward + SGD-momentum update, train mode) and for an
input-gradient step (forward + input gradient, eval mode), each the median of 3 samples of 5 steps, and the
parameter count (trainable; BN running mean/var separately) that `mat bench --wrn` checks against tfjs.
Needs Debian's python3-torch (apt-get install python3-torch) and Debian's /usr/bin/python3, not another python3.
Usage: /usr/bin/python3 torch_wrn.py [THREADS] [DEPTH=16] [WIDTH=1] [BATCH=32]"""
import time, sys, statistics, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
arg = lambda i, d: int(sys.argv[i]) if len(sys.argv) > i else d
threads, depth, k, B = arg(1, torch.get_num_threads()), arg(2, 16), arg(3, 1), arg(4, 32)
if depth < 10 or (depth - 4) % 6: sys.exit(f"depth must be 6n+4 with n >= 1, got {depth}")
torch.set_num_threads(threads)
class Block(nn.Module):  # TRADES BasicBlock, dropRate 0: relu(bn(x)) feeds conv1 and, if projecting, the 1×1 shortcut
    def __init__(s, cin, cout, stride):
        super().__init__()
        s.bn1, s.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        s.bn2, s.conv2 = nn.BatchNorm2d(cout), nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        s.short = None if cin == cout else nn.Conv2d(cin, cout, 1, stride, 0, bias=False)
    def forward(s, x):
        a = F.relu(s.bn1(x))
        out = s.conv2(F.relu(s.bn2(s.conv1(a))))
        return (x if s.short is None else s.short(a)) + out
class WideResNet(nn.Module):  # conv3×3(16) → 3 groups of n blocks (16k, 32k, 64k; strides 1, 2, 2) → BN-ReLU → GAP → φ → logits
    def __init__(s, depth, k, classes=10):
        super().__init__()
        n, widths, blocks, cin = (depth - 4) // 6, [16 * k, 32 * k, 64 * k], [], 16
        s.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        for cout, stride in zip(widths, [1, 2, 2]):
            for b in range(n): blocks.append(Block(cin, cout, stride if b == 0 else 1)); cin = cout
        s.blocks, s.bn = nn.Sequential(*blocks), nn.BatchNorm2d(cin)
        s.features, s.logits = nn.Linear(cin, 64 * k), nn.Linear(64 * k, classes)
        for m in s.modules():
            if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.Linear): nn.init.zeros_(m.bias)
    def forward(s, x):
        h = F.relu(s.bn(s.blocks(s.conv1(x))))
        return s.logits(s.features(h.mean((2, 3))))
m = WideResNet(depth, k); opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
params = sum(p.numel() for p in m.parameters())
bn_stats = sum(b.numel() for name, b in m.named_buffers() if name.endswith(('running_mean', 'running_var')))
x = torch.rand(B, 3, 32, 32); y = torch.randint(0, 10, (B,))
def train():
    m.train(); opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step(); loss.item()
def input_grad():
    m.eval(); xa = x.clone().requires_grad_(True)
    g, = torch.autograd.grad(F.cross_entropy(m(xa), y), xa); return g.sum().item()
def rate(fn, n=5, samples=3):
    for _ in range(3): fn()
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(n): fn()
        out.append(B * n / (time.perf_counter() - t))
    return statistics.median(out)
print(f"torch {torch.__version__} threads={threads} arch=wrn_{depth}_{k} batch={B} params={params} bn_stats={bn_stats} "
      f"train_img_s={rate(train):.0f} input_grad_img_s={rate(input_grad):.0f}")
