/* IPC definitions shared by the kernel (ipc/connection.cpp) and libchcore (chcore/ipc.h).
 *
 * A connection joins one client cap_group to one service thread of a server. Client and server
 * share one physical memory object (the shm). A message lives in the shm: the fixed wire header
 * below, then its data, then its capability slots; all offsets are from the header, 8-aligned.
 * The kernel checks the header on every call and return, so a server never sees a message that
 * does not fit its shm, and caps named in the cap slots are copied into the receiver's cap_group
 * (the slots are rewritten with the receiver's cap numbers). */
#pragma once

/* Thread types for create_thread's last argument. */
#define CHCORE_THREAD_TYPE_USER 0     /* an ordinary thread, enqueued at once */
#define CHCORE_THREAD_TYPE_SHADOW 1   /* a service thread: parked until a connection calls it */
#define CHCORE_THREAD_TYPE_REGISTER 2 /* a register-callback thread: parked until a client registers */

#define IPC_SHM_MIN_SIZE 0x1000UL
#define IPC_SHM_MAX_SIZE 0x100000UL
#define IPC_MAX_CAPS 16U

/* Slot every spawned process finds the capability its parent passed (spawn_with_cap). */
#define CHCORE_INHERITED_CAP 3

struct ipc_msg_wire {
    unsigned int data_len;         /* bytes of data at data_offset */
    unsigned int cap_slot_number;  /* cap slots (int each) at cap_slots_offset; a call or return
                                      passes the caps in the first n of them (n its cap count) */
    unsigned int data_offset;
    unsigned int cap_slots_offset;
};
