#!/usr/bin/python3
"""A disk that loses power: a FUSE passthrough filesystem that forgets, at a cut, every change not
yet made durable, in the spirit of LazyFS. Used by tests/reliability/power-cut.test.ts; the rules are
written out in docs/RELIABILITY.md ("The power-cut filesystem").

    /usr/bin/python3 power-cut-fs.py BACKING GRAVEYARD MOUNTPOINT

BACKING holds what is durable: only fsync/fdatasync of a file writes that file's data there, and
only fsync of a directory keeps the names created, renamed or removed since the last one.
GRAVEYARD (on the same filesystem) keeps what a cut may have to bring back: removed files and
the files a rename replaced. Prints "mounted" once the kernel has set the mount up. Reads
commands on stdin, one a line:
    cut   the power goes: every write not synced and every name change no directory fsync
          made durable is forgotten, and the process exits at once, leaving the mount dead
          (`fusermount3 -u MOUNTPOINT` removes it). End of input is a cut too.
    arm N cut|kill PID...
          at the N-th sync request (fsync, fdatasync, directory fsync) from now on, before it
          is served: `cut` sends SIGSTOP to the PIDs (the machine stops), then cuts as above;
          `kill` sends them SIGKILL and serves the sync (kill -9 at the same moment, the disk
          keeping everything). Prints "cut at ..." or "killed at ..." naming the request.
A clean unmount (`fusermount3 -u`) is an orderly shutdown instead: everything is kept.

Data: each file's writes (write, truncate, O_TRUNC) are held in memory in 4 KiB pages, as a page
cache holds them; reads see them. fsync/fdatasync of the file writes them and its size to BACKING.
Writes through O_DIRECT arrive here as well and are held the same way (a disk's own write cache
loses them as well). close() keeps nothing. Names: create, mkdir, mknod, symlink, unlink, rmdir,
rename, chmod and chown change BACKING at once and are logged; fsync of any directory commits the
whole log (a journal commit); a cut undoes the log newest first. Timestamps are kept as they are.
Stricter than ext4 (data=ordered): no commit every 5 s; a file's fsync does not make its name
durable; a truncate lasts only with the file's own fsync; close() of a rewritten file syncs nothing.
Kinder than real disks: what a sync wrote is never torn, and no unsynced write ever half-survives
(a cut forgets all of them).
"""

import errno
import os
import signal
import stat
import subprocess
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations

PAGE = 4096


class Held:
    """One file's writes not yet synced (a page cache), on top of what BACKING holds."""

    def __init__(self, fd):
        # a descriptor of its own: the one it was made from may be closed before the sync
        self.fd = os.dup(fd)
        self.size = os.fstat(fd).st_size
        # BACKING's bytes from here on were cut off by a truncate: they read as zeros
        self.floor = self.size
        self.pages = {}

    def durable(self, offset, length):
        """BACKING's bytes as this file shows them: zeros past `floor`."""
        n = max(0, min(length, self.floor - offset))
        data = os.pread(self.fd, n, offset) if n else b""
        return data + bytes(length - len(data))

    def write(self, data, offset):
        end = offset + len(data)
        pos = offset
        while pos < end:
            index, within = divmod(pos, PAGE)
            page = self.pages.get(index)
            if page is None:
                page = self.pages[index] = bytearray(self.durable(index * PAGE, PAGE))
            n = min(PAGE - within, end - pos)
            page[within : within + n] = data[pos - offset : pos - offset + n]
            pos += n
        self.size = max(self.size, end)

    def truncate(self, length):
        if length < self.size:
            self.floor = min(self.floor, length)
            for index in [i for i in self.pages if i * PAGE >= length]:
                del self.pages[index]
            index, within = divmod(length, PAGE)
            if index in self.pages:
                self.pages[index][within:] = bytes(PAGE - within)
        self.size = length

    def read(self, size, offset):
        end = min(offset + size, self.size)
        if end <= offset:
            return b""
        out = bytearray(self.durable(offset, end - offset))
        for index in range(offset // PAGE, (end - 1) // PAGE + 1):
            page = self.pages.get(index)
            if page is None:
                continue
            start = max(offset, index * PAGE)
            stop = min(end, index * PAGE + PAGE)
            out[start - offset : stop - offset] = page[start - index * PAGE : stop - index * PAGE]
        return bytes(out)

    def sync(self):
        os.ftruncate(self.fd, self.floor)
        for index in sorted(self.pages):
            n = min(PAGE, self.size - index * PAGE)
            if n > 0:
                os.pwrite(self.fd, bytes(self.pages[index][:n]), index * PAGE)
        os.ftruncate(self.fd, self.size)
        os.close(self.fd)


class PowerCutFs(Operations):
    use_ns = True

    def __init__(self, backing, graveyard):
        self.backing = backing
        self.graveyard = graveyard
        # one operation at a time, and a cut never lands inside one
        self.mutex = threading.Lock()
        self.down = False
        # (st_dev, st_ino) of a BACKING file -> its held writes; by inode, so renames keep them
        self.held = {}
        # name changes no directory fsync has committed yet, oldest first
        self.log = []
        self.buried = 0
        # [sync requests left, "cut" or "kill", pids]: see `arm`
        self.trigger = None

    def __call__(self, op, *args):
        with self.mutex:
            if self.down:
                raise FuseOSError(errno.EIO)
            return super().__call__(op, *args)

    # -- the power cut and the orderly shutdown

    def cut(self):
        with self.mutex:
            self._forget()

    def arm(self, n, action, pids):
        """At the n-th sync request from now on, `action` comes before it is served."""
        with self.mutex:
            self.trigger = [n, action, pids]

    def _forget(self):
        self.down = True
        for h in self.held.values():
            os.close(h.fd)
        self.held.clear()
        for entry in reversed(self.log):
            self._undo(entry)
        self.log.clear()

    def _sync_requested(self, what):
        """Called (under the mutex) by every fsync, fdatasync and directory fsync."""
        if self.trigger is None:
            return
        self.trigger[0] -= 1
        if self.trigger[0] > 0:
            return
        _, action, pids = self.trigger
        self.trigger = None
        if action == "kill":
            # kill -9 at this moment; the disk keeps everything, the sync is served
            self._signal(pids, signal.SIGKILL)
            print(f"killed at {what}", flush=True)
            return
        # the machine stops (nothing more leaves it), the disk forgets, this process dies
        self._signal(pids, signal.SIGSTOP)
        print(f"cut at {what}", flush=True)
        exit_after(self._forget)

    @staticmethod
    def _signal(pids, sig):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def destroy(self, path):
        for h in self.held.values():
            h.sync()
        self.held.clear()
        self.log.clear()

    def init(self, path):
        print("mounted", flush=True)

    # -- helpers

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def _grave(self):
        # unique across mounts too: a name left by an earlier mount is never reused
        self.buried += 1
        return os.path.join(self.graveyard, f"{os.getpid()}-{self.buried}")

    def _bury(self, full):
        grave = self._grave()
        os.rename(full, grave)
        self.log.append(("buried", full, grave))

    def _undo(self, entry):
        kind = entry[0]
        if kind == "made":
            os.rename(entry[1], self._grave())
        elif kind == "buried":
            os.rename(entry[2], entry[1])
        elif kind == "renamed":
            _, old, new, replaced = entry
            os.rename(new, old)
            if replaced == "dir":
                os.mkdir(new)
            elif replaced:
                os.rename(replaced, new)
        elif kind == "chmod":
            os.chmod(entry[1], entry[2])
        elif kind == "chown":
            os.lchown(entry[1], entry[2], entry[3])

    def _held(self, fd):
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        h = self.held.get(key)
        if h is None:
            h = self.held[key] = Held(fd)
        return h

    def _held_if_any(self, fd):
        st = os.fstat(fd)
        return self.held.get((st.st_dev, st.st_ino))

    def _made(self, full):
        self.log.append(("made", full))

    # -- attributes and directories

    def access(self, path, amode):
        if not os.access(self._path(path), amode, follow_symlinks=False):
            raise FuseOSError(errno.EACCES)
        return 0

    def getattr(self, path, fh=None):
        # by descriptor when there is one: an open file may have lost its name
        st = os.fstat(fh) if fh is not None else os.lstat(self._path(path))
        attrs = {
            key: getattr(st, key)
            for key in ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_blocks", "st_ino")
        }
        attrs.update(st_atime=st.st_atime_ns, st_mtime=st.st_mtime_ns, st_ctime=st.st_ctime_ns)
        h = self.held.get((st.st_dev, st.st_ino))
        if h is not None:
            attrs["st_size"] = h.size
        return attrs

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._path(path))

    def readlink(self, path):
        return os.readlink(self._path(path))

    def statfs(self, path):
        sv = os.statvfs(self._path(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")
        return {key: getattr(sv, key) for key in keys}

    def chmod(self, path, mode):
        full = self._path(path)
        old = stat.S_IMODE(os.lstat(full).st_mode)
        os.chmod(full, mode)
        self.log.append(("chmod", full, old))
        return 0

    def chown(self, path, uid, gid):
        full = self._path(path)
        st = os.lstat(full)
        os.lchown(full, uid, gid)
        self.log.append(("chown", full, st.st_uid, st.st_gid))
        return 0

    def utimens(self, path, times=None):
        if times:
            os.utime(self._path(path), ns=times, follow_symlinks=False)
        else:
            os.utime(self._path(path), follow_symlinks=False)
        return 0

    def fsyncdir(self, path, datasync, fh):
        self._sync_requested(f"fsync of directory {path}")
        # a journal commit: every name change so far is durable
        self.log.clear()
        return 0

    # -- names

    def mkdir(self, path, mode):
        full = self._path(path)
        os.mkdir(full, mode)
        self._made(full)
        return 0

    def mknod(self, path, mode, dev):
        full = self._path(path)
        os.mknod(full, mode, dev)
        self._made(full)
        return 0

    def symlink(self, target, source):
        full = self._path(target)
        os.symlink(source, full)
        self._made(full)
        return 0

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def unlink(self, path):
        self._bury(self._path(path))
        return 0

    def rmdir(self, path):
        full = self._path(path)
        if not os.path.isdir(full) or os.path.islink(full):
            raise FuseOSError(errno.ENOTDIR)
        if os.listdir(full):
            raise FuseOSError(errno.ENOTEMPTY)
        self._bury(full)
        return 0

    def rename(self, old, new):
        src, dst = self._path(old), self._path(new)
        replaced = None
        if os.path.lexists(dst) and os.path.lexists(src) and not os.path.samefile(src, dst):
            if os.path.isdir(dst) and not os.path.islink(dst):
                if not os.path.isdir(src) or os.path.islink(src):
                    raise FuseOSError(errno.EISDIR)
                if os.listdir(dst):
                    raise FuseOSError(errno.ENOTEMPTY)
                replaced = "dir"
            else:
                # the file the rename replaces, kept for a cut to put back
                replaced = self._grave()
                os.link(dst, replaced, follow_symlinks=False)
        try:
            os.rename(src, dst)
        except OSError:
            if replaced and replaced != "dir":
                os.unlink(replaced)
            raise
        self.log.append(("renamed", src, dst, replaced))
        return 0

    # -- file data

    def create(self, path, mode, fi=None):
        full = self._path(path)
        existed = os.path.lexists(full)
        fd = os.open(full, os.O_RDWR | os.O_CREAT, mode)
        if not existed:
            self._made(full)
        return fd

    def open(self, path, flags):
        # read-write whatever was asked (the kernel checks the caller's mode): a sync may come
        # through a read-only descriptor. O_DIRECT, O_APPEND, O_TRUNC are this layer's business,
        # never the backing file's.
        fd = os.open(self._path(path), os.O_RDWR)
        if flags & os.O_TRUNC:
            self._held(fd).truncate(0)
        return fd

    def read(self, path, size, offset, fh):
        h = self._held_if_any(fh)
        return h.read(size, offset) if h else os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        self._held(fh).write(data, offset)
        return len(data)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            self._held(fh).truncate(length)
            return 0
        fd = os.open(self._path(path), os.O_RDWR)
        try:
            self._held(fd).truncate(length)
        finally:
            os.close(fd)
        return 0

    def fsync(self, path, datasync, fh):
        self._sync_requested(f"{'fdatasync' if datasync else 'fsync'} of {path}")
        st = os.fstat(fh)
        h = self.held.pop((st.st_dev, st.st_ino), None)
        if h is not None:
            h.sync()
        return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0


def exit_after(forget):
    """Runs a cut and ends the process however it went: a cut that could not undo what it
    should have is an error the test must see (exit status 1), never a process left running."""
    code = 0
    try:
        forget()
    except Exception as err:
        print(f"power-cut-fs: the cut failed: {err!r}", file=sys.stderr, flush=True)
        code = 1
    finally:
        os._exit(code)


def main():
    backing, graveyard, mountpoint = sys.argv[1:4]
    fs = PowerCutFs(os.path.realpath(backing), os.path.realpath(graveyard))

    def control():
        for line in sys.stdin:
            words = line.split()
            if words == ["cut"]:
                exit_after(fs.cut)
            if len(words) >= 3 and words[0] == "arm":
                fs.arm(int(words[1]), words[2], [int(w) for w in words[3:]])
        # the test is gone: forget as a cut does, and leave no dead mount behind
        def forget_and_detach():
            try:
                fs.cut()
            finally:
                subprocess.run(["fusermount3", "-u", "-z", mountpoint], check=False)

        exit_after(forget_and_detach)

    threading.Thread(target=control, daemon=True).start()
    # no direct_io: SQLite's WAL index (-shm) needs a shared writable mmap, which needs the page cache
    FUSE(fs, mountpoint, foreground=True, big_writes=True, fsname="power-cut-fs", subtype="power-cut")


if __name__ == "__main__":
    main()
