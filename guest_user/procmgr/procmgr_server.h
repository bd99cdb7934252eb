#pragma once
// procmgr as an IPC server (chcore/procmgr.h): registers the main thread. 0 or a negative errno.
long procmgr_start_server();
// Runs the IPC test programs (spawned with procmgr's cap) and checks they exit 0.
bool run_ipc_tests();
