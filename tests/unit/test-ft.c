/* File transfer, the pure parts: safe names for received files, the .part
 * dance, base64 and the IBB data element (chunking, sequence wrap), and the
 * SI offer and answer stanzas. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ft/filename.h"
#include "ft/ft-int.h"
#include "ft/method.h"
#include "ft/si.h"

/* ---- names ------------------------------------------------------------ */

static void name_is(const char *in, const char *want)
{
	char *got = ft_filename_sanitize(in);

	cr_expect_str_eq(got, want, "sanitize(\"%s\")", in ? in : "(null)");
	free(got);
}

Test(filename, ordinary_names_stay)
{
	name_is("report.pdf", "report.pdf");
	name_is("报告 2026年.txt", "报告 2026年.txt");
	name_is("emoji \xf0\x9f\xa6\xa9.png", "emoji \xf0\x9f\xa6\xa9.png");
	name_is("a.tar.gz", "a.tar.gz");
}

Test(filename, separators_and_traversal_go)
{
	name_is("../../etc/passwd", "etc_passwd");
	name_is("/etc/passwd", "etc_passwd");
	name_is("a/b/c.txt", "a_b_c.txt");
	name_is("..\\..\\windows\\system.ini", "windows_system.ini");
	name_is("a..b", "a.b");
	name_is("..", "file");
	name_is(".", "file");
	name_is("", "file");
	name_is(NULL, "file");
	name_is("/", "file");
}

Test(filename, hidden_and_option_like_names_go)
{
	name_is(".bashrc", "bashrc");
	name_is("-rf", "rf");
	name_is("  .x", "x");
	name_is("name. ", "name");
}

Test(filename, controls_and_bidi_become_underscores)
{
	name_is("a\tb", "a_b");
	name_is("a\nb", "a_b");
	name_is("x\xc2\x9b"
	        "31m.txt",
	        "x_31m.txt");                                     /* C1 CSI */
	name_is("invoice\xe2\x80\xaegpj.exe", "invoice_gpj.exe"); /* RLO */
	name_is("a\xe2\x81\xa6"
	        "b",
	        "a_b"); /* LRI */
	name_is("zero\xe2\x80\x8bwidth", "zero_width");
	name_is("bad\xff"
	        "utf8",
	        "bad_utf8");
	name_is("del\x7f", "del_");
}

Test(filename, long_names_are_cut_on_a_character_keeping_the_extension)
{
	char in[1200], *got;

	strcpy(in, "");
	for (int i = 0; i < 300; i++)
		strcat(in, "文");
	strcat(in, ".txt");
	got = ft_filename_sanitize(in);
	cr_expect_leq(strlen(got), FT_NAME_MAX);
	cr_expect(strlen(got) > FT_NAME_MAX - 8);
	cr_expect_str_eq(got + strlen(got) - 4, ".txt");
	/* Every character whole: 3 bytes each before the extension. */
	cr_expect_eq((strlen(got) - 4) % 3, 0);
	free(got);
}

static char dir[256];

static void mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "%s/jabiru-ft-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static void touch(const char *name)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	cr_assert_geq(fd, 0);
	close(fd);
}

Test(filename, part_file_then_commit_never_overwrites, .init = mkdir_tmp, .fini = rm_tmp)
{
	char *final, *part, want[512];
	int fd;

	touch("notes.txt");
	fd = ft_filename_create(dir, "notes.txt", &final, &part);
	cr_assert_geq(fd, 0);
	snprintf(want, sizeof(want), "%s/notes (1).txt", dir);
	cr_expect_str_eq(final, want);
	snprintf(want, sizeof(want), "%s/notes (1).txt.part", dir);
	cr_expect_str_eq(part, want);
	cr_expect_eq(write(fd, "hi", 2), 2);
	close(fd);
	/* Someone takes the final name meanwhile: the commit moves on. */
	touch("notes (1).txt");
	cr_expect_eq(ft_filename_commit(part, &final), 0);
	snprintf(want, sizeof(want), "%s/notes (2).txt", dir);
	cr_expect_str_eq(final, want);
	cr_expect_neq(access(part, F_OK), 0, "the .part is gone");
	free(final);
	free(part);
}

Test(filename, part_is_never_opened_through_a_symlink, .init = mkdir_tmp, .fini = rm_tmp)
{
	char link_path[512], target[512], *final, *part;
	int fd;

	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(link_path, sizeof(link_path), "%s/x.bin.part", dir);
	touch("victim");
	cr_assert_eq(symlink(target, link_path), 0);
	fd = ft_filename_create(dir, "x.bin", &final, &part);
	cr_assert_geq(fd, 0);
	cr_expect(strstr(final, "x (1).bin") != NULL, "%s", final);
	close(fd);
	free(final);
	free(part);
}

/* A file system without hard links (vfat, exFAT, SMB, many FUSE mounts):
 * link() fails with EPERM. */
static int link_eperm(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EPERM;
	return -1;
}

/* ... and one that does not know RENAME_NOREPLACE either. */
static int rename_einval(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EINVAL;
	return -1;
}

static int link_eio(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EIO;
	return -1;
}

static int real_noreplace(const char *from, const char *to)
{
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
}

static void write_file(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	static char text[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* "report.txt" exists already; a complete "report.txt" arrives and is
 * committed with ops: it must end as "report (1).txt" holding the new data,
 * the old file untouched, no .part left. */
static void commit_beside_existing(const struct ft_fs_ops *ops)
{
	char *final, *part, want[512], old[512];
	int fd;

	fd = ft_filename_create(dir, "report.txt", &final, &part);
	cr_assert_geq(fd, 0);
	cr_expect_eq(write(fd, "new data", 8), 8);
	close(fd);
	write_file("report.txt", "old data"); /* taken while receiving */
	cr_assert_eq(ft_filename_commit_with(ops, part, &final), 0, "%s", strerror(errno));
	snprintf(want, sizeof(want), "%s/report (1).txt", dir);
	cr_expect_str_eq(final, want);
	cr_expect_str_eq(read_file(final), "new data");
	snprintf(old, sizeof(old), "%s/report.txt", dir);
	cr_expect_str_eq(read_file(old), "old data", "an existing file was replaced");
	cr_expect_neq(access(part, F_OK), 0, "the .part is left");
	free(final);
	free(part);
}

Test(filename, commit_without_hard_links_renames_without_replacing, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	const struct ft_fs_ops ops = {link_eperm, real_noreplace};

	commit_beside_existing(&ops);
}

Test(filename, commit_without_hard_links_or_noreplace_uses_a_placeholder, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	const struct ft_fs_ops ops = {link_eperm, rename_einval};

	char target[512], *final, *part, want[512];
	int fd;

	commit_beside_existing(&ops);
	/* A symlink put under the final name meanwhile is a taken name, never
	 * followed. */
	fd = ft_filename_create(dir, "report.txt", &final, &part);
	cr_assert_geq(fd, 0);
	cr_expect_eq(write(fd, "third", 5), 5);
	close(fd);
	snprintf(target, sizeof(target), "%s/victim", dir);
	write_file("victim", "victim");
	cr_assert_eq(symlink(target, final), 0);
	cr_assert_eq(ft_filename_commit_with(&ops, part, &final), 0);
	snprintf(want, sizeof(want), "%s/report (3).txt", dir);
	cr_expect_str_eq(final, want);
	cr_expect_str_eq(read_file(final), "third");
	cr_expect_str_eq(read_file(target), "victim", "written through a symlink");
	free(final);
	free(part);
}

/* When the name cannot be given for another reason, the complete data stays
 * in the .part: never deleted. */
Test(filename, a_failed_commit_keeps_the_part, .init = mkdir_tmp, .fini = rm_tmp)
{
	const struct ft_fs_ops ops = {link_eio, real_noreplace};
	char *final, *part;
	int fd = ft_filename_create(dir, "keep.bin", &final, &part);

	cr_assert_geq(fd, 0);
	cr_expect_eq(write(fd, "all of it", 9), 9);
	close(fd);
	cr_expect_eq(ft_filename_commit_with(&ops, part, &final), -1);
	cr_expect_eq(errno, EIO);
	cr_expect_str_eq(read_file(part), "all of it");
	cr_expect_neq(access(final, F_OK), 0, "something is under the final name");
	free(final);
	free(part);
}

/* ---- base64 and IBB data ---------------------------------------------- */

/* Decodes text into a heap buffer of exactly max bytes, so that ASan sees
 * any write past it. */
static long decode_exact(const char *text, size_t max, unsigned char **out)
{
	*out = malloc(max > 0 ? max : 1);
	return ibb_b64_decode(text, strlen(text), *out, max);
}

static char *encode(const unsigned char *in, size_t len)
{
	char *enc = malloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)enc, in, (int)len);
	return enc;
}

Test(ibb, base64_round_trips_every_length_and_block_size)
{
	/* Short ones (every padding), then the block sizes IBB uses: the
	 * smallest we send, the default, the largest we take, and around. */
	static const size_t sizes[] = {256, 1023, 1024, 1025, 4095, 4096, 4097, 32768, 65535};
	unsigned char *in = malloc(65535), *out;

	for (size_t i = 0; i < 65535; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (size_t k = 0; k < 64 + sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t len = k < 64 ? k : sizes[k - 64];
		char *enc = encode(in, len);

		cr_expect_null(strchr(enc, '\n'), "no line breaks");
		cr_assert_eq(decode_exact(enc, len, &out), (long)len, "length %zu", len);
		cr_expect_eq(memcmp(in, out, len), 0, "length %zu", len);
		free(out);
		free(enc);
	}
	free(in);
}

Test(ibb, base64_decode_tolerates_whitespace_and_refuses_garbage)
{
	static const char *const bad[] = {
	    "TW*u",             /* not base64 */
	    "TQ==TQ==",         /* data after the padding */
	    "TQ",               /* padding missing */
	    "TQ=",              /* padding short */
	    "T===",             /* too much padding */
	    "====",             /* padding only */
	    "TWFu\x01",         /* a control character */
	    "TWFu\xe6\x8a\xa5", /* UTF-8 is not base64 either */
	};
	unsigned char *out;

	cr_expect_eq(decode_exact(" TW\r\nFu\t", 3, &out), 3);
	cr_expect_eq(memcmp(out, "Man", 3), 0);
	free(out);
	cr_expect_eq(decode_exact("", 0, &out), 0);
	free(out);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(decode_exact(bad[i], 16, &out), -1, "%s", bad[i]);
		free(out);
	}
	/* More than the block size is refused, not written past the buffer:
	 * one byte too many, with and without padding. */
	cr_expect_eq(decode_exact("TWFuTWFu", 5, &out), -1);
	free(out);
	cr_expect_eq(decode_exact("TWFuTWE=", 4, &out), -1);
	free(out);
	cr_expect_eq(decode_exact("TWFuTWE=", 5, &out), 5);
	free(out);
}

static xmpp_ctx_t *ctx;

static void ctx_new(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
}

static void ctx_free(void)
{
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

Test(ibb, data_sequence_wraps_at_65535, .init = ctx_new, .fini = ctx_free)
{
	unsigned char block[4096], out[4096];
	char enc[4 * 4096 / 3 + 8];
	uint16_t seq = 65533, expect = 65533;

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)i;
	for (int i = 0; i < 5; i++, seq++, expect++) {
		xmpp_stanza_t *el = ibb_data_build(ctx, "s1", seq, block, sizeof(block), enc);
		size_t n = 0;

		cr_expect_null(ibb_data_parse(el, expect, out, sizeof(out), &n), "seq %u", seq);
		cr_expect_eq(n, sizeof(block));
		cr_expect_eq(memcmp(out, block, n), 0);
		if (i == 3)
			cr_expect_str_eq(xmpp_stanza_get_attribute(el, "seq"), "0");
		xmpp_stanza_release(el);
	}
}

Test(ibb, data_out_of_sequence_or_too_big_is_refused, .init = ctx_new, .fini = ctx_free)
{
	unsigned char block[100] = {0}, out[50];
	char enc[200];
	size_t n;
	xmpp_stanza_t *el = ibb_data_build(ctx, "s1", 7, block, sizeof(block), enc);

	cr_expect_str_eq(ibb_data_parse(el, 6, out, sizeof(out), &n), "unexpected-request");
	cr_expect_str_eq(ibb_data_parse(el, 7, out, sizeof(out), &n), "bad-request");
	xmpp_stanza_set_attribute(el, "seq", "7x");
	cr_expect_str_eq(ibb_data_parse(el, 7, out, sizeof(out), &n), "unexpected-request");
	xmpp_stanza_release(el);
}

/* ---- SI offer and answer ---------------------------------------------- */

static struct si_offer sample(void)
{
	struct si_offer o = {
	    .sid = "sid-1",
	    .name = "报告.pdf",
	    .size = 123456,
	    .hash = "0123456789abcdef0123456789abcdef",
	    .date = "2026-11-21T08:00:00Z",
	    .desc = "the <report> & more",
	    .methods = {SI_M_BYTESTREAMS, SI_M_IBB},
	    .nmethods = 2,
	};
	return o;
}

/* Serialise and parse back, as the wire would. */
static xmpp_stanza_t *reparse(xmpp_stanza_t *st)
{
	char *xml;
	size_t len;
	xmpp_stanza_t *back;

	cr_assert_eq(xmpp_stanza_to_text(st, &xml, &len), 0);
	back = xmpp_stanza_new_from_string(ctx, xml);
	xmpp_free(ctx, xml);
	xmpp_stanza_release(st);
	cr_assert_not_null(back);
	xmpp_stanza_set_from(back, "alice@localhost/x");
	return back;
}

Test(si, offer_round_trips, .init = ctx_new, .fini = ctx_free)
{
	struct si_offer in = sample(), out;
	const char *cond, *why;
	bool no_streams;
	xmpp_stanza_t *iq = reparse(si_offer_build(ctx, "bob@localhost/y", "id1", &in));

	cr_assert_eq(si_offer_parse(iq, 1LL << 40, &out, &cond, &why, &no_streams), 0);
	cr_expect_str_eq(out.sid, "sid-1");
	cr_expect_str_eq(out.name, "报告.pdf");
	cr_expect_eq(out.size, 123456);
	cr_expect_str_eq(out.hash, in.hash);
	cr_expect_str_eq(out.date, in.date);
	cr_expect_str_eq(out.desc, in.desc);
	cr_expect_eq(out.nmethods, 2);
	cr_expect_eq(out.methods[0], SI_M_BYTESTREAMS);
	cr_expect_eq(out.methods[1], SI_M_IBB);
	si_offer_free(&out);
	xmpp_stanza_release(iq);
}

static const char *parse_fails(const char *xml, bool *no_streams)
{
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(ctx, xml);
	struct si_offer o;
	const char *cond = NULL, *why;
	int rc;

	cr_assert_not_null(iq, "%s", xml);
	rc = si_offer_parse(iq, 1000, &o, &cond, &why, no_streams);
	si_offer_free(&o);
	xmpp_stanza_release(iq);
	return rc == 0 ? NULL : cond;
}

#define SI_HEAD                                                                                    \
	"<iq type='set' id='1'><si xmlns='http://jabber.org/protocol/si' id='s' "                  \
	"profile='http://jabber.org/protocol/si/profile/file-transfer'>"
#define FEATURE                                                                                    \
	"<feature xmlns='http://jabber.org/protocol/feature-neg'><x "                              \
	"xmlns='jabber:x:data' type='form'><field var='stream-method' "                            \
	"type='list-single'><option><value>http://jabber.org/protocol/ibb</value>"                 \
	"</option></field></x></feature>"
#define FILE_(attrs) "<file xmlns='http://jabber.org/protocol/si/profile/file-transfer' " attrs "/>"

Test(si, bad_offers_are_refused_with_the_right_condition, .init = ctx_new, .fini = ctx_free)
{
	bool ns;
	const char *c;

	cr_expect_null(parse_fails(SI_HEAD FILE_("name='a' size='10'") FEATURE "</si></iq>", &ns));
	c = parse_fails(SI_HEAD FILE_("name='' size='10'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	c = parse_fails(SI_HEAD FILE_("size='10'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	c = parse_fails(SI_HEAD FILE_("name='a' size='-1'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	c = parse_fails(SI_HEAD FILE_("name='a' size='12abc'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	c = parse_fails(
	    SI_HEAD FILE_("name='a' size='99999999999999999999999'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	c = parse_fails(SI_HEAD FILE_("name='a' size='1001'") FEATURE "</si></iq>", &ns);
	cr_expect_str_eq(c, "not-acceptable");
	c = parse_fails(SI_HEAD FILE_("name='a' size='1'") "</si></iq>", &ns);
	cr_expect_str_eq(c, "bad-request");
	cr_expect(ns, "no-valid-streams when no method is offered");
	c = parse_fails("<iq type='set' id='1'><si xmlns='http://jabber.org/protocol/si' id='s' "
	                "profile='urn:other'>" FILE_("name='a' size='1'") FEATURE "</si></iq>",
	                &ns);
	cr_expect_str_eq(c, "bad-request");
}

Test(si, a_hash_that_is_not_md5_is_ignored, .init = ctx_new, .fini = ctx_free)
{
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(
	    ctx, SI_HEAD FILE_("name='a' size='1' hash='zz'") FEATURE "</si></iq>");
	struct si_offer o;
	const char *cond, *why;
	bool ns;

	cr_assert_eq(si_offer_parse(iq, 1000, &o, &cond, &why, &ns), 0);
	cr_expect_null(o.hash);
	si_offer_free(&o);
	xmpp_stanza_release(iq);
}

Test(si, answer_round_trips_and_smack_style_answers_are_taken, .init = ctx_new, .fini = ctx_free)
{
	struct si_offer offered = sample();
	xmpp_stanza_t *iq = reparse(si_answer_build(ctx, "alice@localhost/x", "id1", SI_M_IBB));

	cr_expect_eq(si_answer_parse(iq, &offered), SI_M_IBB);
	xmpp_stanza_release(iq);

	/* Two values, the first one we did not offer. */
	offered.nmethods = 1;
	offered.methods[0] = SI_M_IBB;
	iq = xmpp_stanza_new_from_string(
	    ctx, "<iq type='result' id='1'><si xmlns='http://jabber.org/protocol/si'><feature "
	         "xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' "
	         "type='submit'><field var='stream-method'><value>"
	         "http://jabber.org/protocol/bytestreams</value><value>"
	         "http://jabber.org/protocol/ibb</value></field></x></feature></si></iq>");
	cr_expect_eq(si_answer_parse(iq, &offered), SI_M_IBB);
	xmpp_stanza_release(iq);

	/* Nothing we offered. */
	iq = xmpp_stanza_new_from_string(ctx, "<iq type='result' id='1'/>");
	cr_expect_eq(si_answer_parse(iq, &offered), SI_M_NONE);
	xmpp_stanza_release(iq);
}

Test(si, method_settings_parse)
{
	enum si_method m[SI_MAX_METHODS];

	cr_expect_eq(si_methods_parse("ibb", m), 1);
	cr_expect_eq(m[0], SI_M_IBB);
	cr_expect_eq(si_methods_parse("bytestreams, ibb", m), 2);
	cr_expect_eq(m[0], SI_M_BYTESTREAMS);
	cr_expect_eq(si_methods_parse("ibb ibb nonsense", m), 1);
	cr_expect_eq(si_methods_parse("", m), 0);
}

/* ---- the method table ------------------------------------------------- */

Test(method, every_entry_is_complete_and_one_is_the_fallback)
{
	size_t fallbacks = 0;

	cr_assert_gt(ft_method_count(), 0);
	for (size_t i = 0; i < ft_method_count(); i++) {
		const struct ft_method *e = ft_method_at(i);
		enum si_method m[SI_MAX_METHODS];

		cr_expect_neq(e->id, SI_M_NONE);
		cr_expect(e->name != NULL && e->ns != NULL, "entry %zu", i);
		cr_expect(e->init != NULL && e->fini != NULL && e->initiate != NULL, "%s", e->name);
		cr_expect_eq(ft_method_get(e->id), e, "%s", e->name);
		cr_expect_eq(ft_method_by_ns(e->ns), e, "%s", e->name);
		cr_expect_eq(si_method_from_ns(si_method_ns(e->id)), e->id, "%s", e->name);
		cr_expect_eq(si_methods_parse(e->name, m), 1, "%s", e->name);
		cr_expect_eq(m[0], e->id, "%s", e->name);
		fallbacks += e->fallback;
	}
	cr_expect_eq(fallbacks, 1);
	cr_expect_null(ft_method_by_ns("urn:example:nothing"));
}

Test(method, a_setting_without_a_known_method_means_the_fallback)
{
	enum si_method m[SI_MAX_METHODS];

	cr_assert_eq(ft_methods_usable("nonsense", m), 1);
	cr_expect(ft_method_get(m[0])->fallback);
	cr_assert_eq(ft_methods_usable("bytestreams ibb", m), 2);
	cr_expect_eq(m[0], SI_M_BYTESTREAMS);
	cr_expect_eq(m[1], SI_M_IBB);
}
