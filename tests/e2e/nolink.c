/* A test helper that runs a program on what looks, to it, like a file
 * system without hard links (vfat, exFAT, SMB, many FUSE mounts): a seccomp
 * filter makes link() and linkat() fail with EPERM, with
 * NOLINK_NO_RENAME2=1 renameat2() fail with EINVAL as well, and with
 * NOLINK_NO_RENAME2=all every rename fail (rename() and renameat() with
 * EACCES). No privilege is needed. Runs $NOLINK_EXEC with this program's arguments. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NOLINK_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NOLINK_ARCH AUDIT_ARCH_AARCH64
#endif

#define FAIL_WITH(nr, err)                                                                         \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),                                           \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((err)&SECCOMP_RET_DATA))

int main(int argc, char **argv)
{
	const char *prog = getenv("NOLINK_EXEC");
	const char *r2 = getenv("NOLINK_NO_RENAME2");
	bool all = r2 != NULL && strcmp(r2, "all") == 0;
	int rename_err = all || (r2 != NULL && strcmp(r2, "1") == 0) ? EINVAL : 0;

	(void)argc;
	if (prog == NULL) {
		fprintf(stderr, "nolink: NOLINK_EXEC is not set\n");
		return 2;
	}
#ifdef NOLINK_ARCH
	{
		struct sock_filter f[] = {
		    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NOLINK_ARCH, 1, 0),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __NR_link
		    FAIL_WITH(__NR_link, EPERM),
#endif
		    FAIL_WITH(__NR_linkat, EPERM),
		    /* errno 0 would be a success: allow instead. */
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat2, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, rename_err ? SECCOMP_RET_ERRNO | (unsigned)rename_err
		                                         : SECCOMP_RET_ALLOW),
#ifdef __NR_rename
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rename, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, all ? SECCOMP_RET_ERRNO | EACCES : SECCOMP_RET_ALLOW),
#endif
		    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_renameat, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, all ? SECCOMP_RET_ERRNO | EACCES : SECCOMP_RET_ALLOW),
		    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog fp = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) != 0) {
			perror("nolink: seccomp");
			return 2;
		}
	}
#else
	fprintf(stderr, "nolink: no seccomp filter for this architecture\n");
	return 2;
#endif
	argv[0] = (char *)prog;
	execv(prog, argv);
	perror("nolink: exec");
	return 127;
}
