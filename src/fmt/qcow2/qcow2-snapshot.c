/* SPDX-License-Identifier: MIT */
/* qcow2 internal snapshots: the snapshot table. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

void qcow2_snapshots_free(struct qcow2_snapshot *s, uint32_t nb)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < nb; i++) {
		free(s[i].id);
		free(s[i].name);
		free(s[i].extra);
	}
	free(s);
}

int qcow2_snapshots_parse(const uint8_t *buf, size_t len, uint32_t nb,
			  const struct qcow2_header *h,
			  struct qcow2_snapshot **out, size_t *need,
			  struct img_err *err)
{
	uint64_t cs = 1ULL << h->cluster_bits;
	struct qcow2_snapshot *snaps;
	uint64_t off = 0, want = 0;
	int ret;

	snaps = calloc(nb ? nb : 1, sizeof(*snaps));
	if (!snaps)
		return img_err_set(err, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < nb; i++) {
		struct qcow2_snapshot *sn = &snaps[i];
		struct qcow2_disk_snapshot d;
		struct qcow2_disk_snapshot_extra x;
		uint64_t end, id_size, name_size;

		if (off + sizeof(d) > len) {
			want = off + sizeof(d);
			goto short_buf;
		}
		memcpy(&d, buf + off, sizeof(d));
		sn->l1_table_offset = be64_get(d.l1_table_offset);
		sn->l1_size = be32_get(d.l1_size);
		id_size = be16_get(d.id_str_size);
		name_size = be16_get(d.name_size);
		sn->date_sec = be32_get(d.date_sec);
		sn->date_nsec = be32_get(d.date_nsec);
		sn->vm_clock_nsec = be64_get(d.vm_clock_nsec);
		sn->vm_state_size = be32_get(d.vm_state_size);
		sn->extra_data_size = be32_get(d.extra_data_size);

		if (sn->extra_data_size > QCOW2_MAX_SNAPSHOT_EXTRA) {
			ret = img_err_set(err, EINVAL,
					  "snapshot %" PRIu32 ": extra data too large (%" PRIu32 " bytes, limit %d)",
					  i, sn->extra_data_size,
					  QCOW2_MAX_SNAPSHOT_EXTRA);
			goto fail;
		}
		if (sn->l1_table_offset % cs) {
			ret = img_err_set(err, EINVAL,
					  "snapshot %" PRIu32 ": L1 table offset %#" PRIx64 " is not cluster-aligned",
					  i, sn->l1_table_offset);
			goto fail;
		}
		if ((uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES) {
			ret = img_err_set(err, EFBIG,
					  "snapshot %" PRIu32 ": L1 table too large (%" PRIu32 " entries)",
					  i, sn->l1_size);
			goto fail;
		}
		/*
		 * Entries are padded to 8 bytes only before the next one:
		 * the last may end the file unpadded (qemu writes it so).
		 */
		end = off + sizeof(d) + sn->extra_data_size + id_size +
		      name_size;
		if (end > QCOW2_MAX_SNAPSHOT_TABLE) {
			ret = img_err_set(err, EFBIG,
					  "snapshot table larger than %" PRIu64 " bytes",
					  QCOW2_MAX_SNAPSHOT_TABLE);
			goto fail;
		}
		if (end > len) {
			want = end;
			goto short_buf;
		}
		off += sizeof(d);

		memset(&x, 0, sizeof(x));
		memcpy(&x, buf + off,
		       sn->extra_data_size < sizeof(x) ? sn->extra_data_size :
		       sizeof(x));
		if (sn->extra_data_size >= 8)
			sn->vm_state_size = be64_get(x.vm_state_size_large);
		if (sn->extra_data_size >= 16) {
			sn->has_disk_size = true;
			sn->disk_size = be64_get(x.disk_size);
		}
		if (sn->extra_data_size >= 24) {
			sn->icount = be64_get(x.icount);
			sn->has_icount = sn->icount != UINT64_MAX;
		}
		if (sn->extra_data_size > sizeof(x)) {
			size_t n = sn->extra_data_size - sizeof(x);

			sn->extra = malloc(n);
			if (!sn->extra)
				goto oom;
			memcpy(sn->extra, buf + off + sizeof(x), n);
		}
		off += sn->extra_data_size;
		sn->id = strndup((const char *)buf + off, (size_t)id_size);
		off += id_size;
		sn->name = strndup((const char *)buf + off, (size_t)name_size);
		off += name_size;
		if (!sn->id || !sn->name)
			goto oom;
		off = (off + 7) & ~7ULL;
	}
	*out = snaps;
	return 0;
short_buf:
	*need = (size_t)want;
	qcow2_snapshots_free(snaps, nb);
	return -EAGAIN;
oom:
	ret = img_err_set(err, ENOMEM, "out of memory");
fail:
	qcow2_snapshots_free(snaps, nb);
	return ret;
}
