/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "host-facts.h"

#include <sys/capability.h>
#include <unistd.h>

#include "caps.h"
#include "fileio.h"

/* In the order the plan first made these calls when it read them as it
 * went (tests/faults.sh numbers its sites by it): the capabilities, the
 * ids, then the map. */
int host_facts_read(struct host_facts *host, struct sh_err *err)
{
	int sys_admin = caps_effective(CAP_SYS_ADMIN);

	if (sys_admin < 0)
		return err_sys(err, STAGE_CAPS, -sys_admin,
			       "read the helper's capabilities");
	host->cap_sys_admin = sys_admin;
	host->euid = geteuid();
	host->egid = getegid();
	host->uid_map_read =
	    read_file_at("/proc/self", "uid_map", host->uid_map,
			 sizeof(host->uid_map)) >= 0;
	if (!host->uid_map_read)
		host->uid_map[0] = '\0';
	return 0;
}
