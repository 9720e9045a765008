//! The writer's dealings with the C allocator: large blocks mapped on their own, and freed
//! memory given back to the system.
//!
//! glibc's `malloc` serves a block of 128 KiB or more by mapping it, but raises that threshold
//! to the size of each mapped block freed, up to 32 MiB. A large build frees tantivy's 1 MiB
//! arena pages at every segment it writes, so after the first the pages come from the heap,
//! between the small blocks of the documents in flight, and freed pages stay with the process.
//! The writer therefore, once a run has handed tantivy half its budget (it will write
//! segments before the end), fixes the threshold at 1 MiB ([`map_large_blocks`]): every arena
//! page is then mapped, and unmapped when its segment is written. Smaller blocks (compression
//! contexts, read buffers) stay on the heap, where mapping them would cost a system call and
//! page faults each time (a fixed threshold of 128 KiB made a Reuters-21578 build a third
//! slower). And each thread's heap keeps what it freed: a file over the in-flight limit
//! (10,000 articles of JSON lines, say) is parsed on one reader's heap and the next on the
//! other's, so without [`release_freed`] before each the process would hold both.
//!
//! Every run, large or not, also gives the free pages back before its last commit: the
//! segments are written then, which is where a small run's memory peaks, and the pages the
//! walk, the plan and the readers freed would otherwise be counted in it (a Reuters-21578
//! build's peak went from 67 to 59 MB).
//!
//! On 200,000 articles of the scale corpus (`--memory 256`) the two took the build's peak of
//! anonymous memory from about 620 MB to about 400 MB (BENCHMARKS.md, "Memory on the scale
//! corpus").
//!
//! These are the only `unsafe` calls of the crate: two glibc functions that take integers
//! and touch nothing but the allocator's own state. Elsewhere, and on other systems, both
//! functions do nothing.
#![allow(unsafe_code)]

/// Blocks of this many bytes or more are mapped on their own (tantivy's arena pages are 1 MiB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAPPED_FROM: libc::c_int = 1 << 20;

/// Maps every block of `MAPPED_FROM` (1 MiB) or more on its own from now on, so that freeing
/// it gives it back to the system. Process-wide, and for the rest of the process.
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` takes two integers and changes a setting of the allocator, which
    // glibc guards with its own lock; no memory is read or written through a pointer.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_FROM);
    }
}

/// Gives the heaps' free pages back to the system, so what was freed is not counted again
/// with what comes next: before the last commit of every run (the segments are written then,
/// at the run's peak); and in a large run, before a file over the in-flight limit is read and
/// after the index writer is dropped (before the copy digest is built).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes an integer and only walks the allocator's own free lists,
    // under its own locks.
    unsafe {
        libc::malloc_trim(0);
    }
}
