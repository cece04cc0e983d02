// Linked into every binary of a ThreadSanitizer build (scripts/sanitize --thread), never into a
// release: it tells TSan about the contended path of Swift's Synchronization.Mutex on Linux.
//
// Mutex's fast paths are compare-exchanges inlined into our code, which TSan sees. When the lock is
// contended, `_lockSlow` and `_unlockSlow` (in libswiftSynchronization.so, not instrumented) hand it
// over with FUTEX_LOCK_PI / FUTEX_UNLOCK_PI in the kernel, which TSan does not see: every critical
// section entered or left that way looks unsynchronised, and TSan reports the state the mutex
// guards as racing (a four-thread counter under one Mutex, correct to the last increment, is
// reported). These two definitions take precedence over the library's for calls from the binary:
// each calls the library's own and adds the acquire or release that TSan missed. Other races stay
// visible, which a suppression of every closure that runs under a lock would not leave them.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>

void __tsan_acquire(void *address);
void __tsan_release(void *address);

// Swift's calling convention: the borrowed _MutexHandle comes by address in the self register.
typedef __attribute__((swiftcall)) void LockSlow(uint32_t selfID, void *__attribute__((swift_context)) handle);
typedef __attribute__((swiftcall)) void UnlockSlow(void *__attribute__((swift_context)) handle);

#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

static void *library(const char *name) {
    void *function = dlsym(RTLD_NEXT, name);
    if (!function) abort();
    return function;
}

__attribute__((swiftcall)) void lockSlow(uint32_t selfID, void *__attribute__((swift_context)) handle) __asm__(LOCK_SLOW);
__attribute__((swiftcall)) void lockSlow(uint32_t selfID, void *__attribute__((swift_context)) handle) {
    static LockSlow *original;
    if (!__atomic_load_n(&original, __ATOMIC_ACQUIRE)) __atomic_store_n(&original, library(LOCK_SLOW), __ATOMIC_RELEASE);
    original(selfID, handle);
    __tsan_acquire(handle);
}

__attribute__((swiftcall)) void unlockSlow(void *__attribute__((swift_context)) handle) __asm__(UNLOCK_SLOW);
__attribute__((swiftcall)) void unlockSlow(void *__attribute__((swift_context)) handle) {
    static UnlockSlow *original;
    if (!__atomic_load_n(&original, __ATOMIC_ACQUIRE)) __atomic_store_n(&original, library(UNLOCK_SLOW), __ATOMIC_RELEASE);
    __tsan_release(handle);
    original(handle);
}
