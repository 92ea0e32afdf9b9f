# Two workers, one per RX queue file, on a two-CPU machine: the main lcore
# shares CPU 0 with worker lcore 2 (DPDK's LCORE@CPU).
s|^  main_core:.*|  main_core: 0@0|
s|^  workers:.*|  workers: [1@1, 2@0]|
s|^      rx_queues: 1|      rx_queues: 2|
