/* walvfs.h — the store's SQLite VFS: the default one, with the writes of a WAL file gathered
 * into one system call per commit.
 *
 * Why: SQLite writes every frame of a commit with two pwrite calls (its 24-byte header, then the
 * page), and a group commit of a few cases is 30–40 frames: at a million cases those calls were a
 * quarter of the writer thread's time on this kind of machine, where a system call is dear.
 *
 * Contract: a WAL file's consecutive writes are kept in memory and written with one call when
 * the page of a commit frame (a frame header whose "database size after commit" is not zero)
 * has been appended — that is, inside SQLite's commit, before it publishes the new frames in the
 * WAL index for readers, so a reader never reads a frame still held here and a commit that
 * returned is in the operating system (it survives kill -9 as before). Anything else that could
 * observe the file — a read, a non-consecutive write, sync, truncate, size, close — writes the
 * held bytes first; an error writing them is returned by the call that caused the write, and
 * SQLite fails that commit. Every other file (the database, its shared-memory index, journals)
 * is the default VFS's own, untouched. */
#ifndef GZ_STORE_WALVFS_H
#define GZ_STORE_WALVFS_H

/* Register the VFS as SQLite's default, wrapping the default it finds. Once per process, before
 * any connection opens; SQLITE_OK or SQLite's error (connections then use the plain default). */
int store_walvfs_register(void);

#endif
