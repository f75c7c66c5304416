#!/usr/bin/env python3
"""PyTorch's latency of one batch-1 step of lstm_h256_b32_t64's model (embedding 64, nn.LSTM 256, linear decoder),
the state passed in, under torch.no_grad(): 2 s of warm-up, then 2 s timed step by step. Argument: torch threads."""
import time, torch, sys
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
emb = torch.nn.Embedding(65, 64); lstm = torch.nn.LSTM(64, 256); dec = torch.nn.Linear(256, 65)
h = (torch.zeros(1, 1, 256), torch.zeros(1, 1, 256))
times = []
with torch.no_grad():
    end = time.perf_counter() + 2
    while time.perf_counter() < end:
        x = torch.randint(0, 65, (1, 1)); y, h = lstm(emb(x), h); dec(y)
    end = time.perf_counter() + 2
    while time.perf_counter() < end:
        x = torch.randint(0, 65, (1, 1))
        t0 = time.perf_counter_ns(); y, h = lstm(emb(x), h); z = dec(y); times.append(time.perf_counter_ns() - t0)
times.sort()
print(f"torch {torch.__version__} threads={torch.get_num_threads()} steps={len(times)} p50_us={times[len(times)//2]/1e3:.1f} p99_us={times[int(0.99*len(times))]/1e3:.1f}")
