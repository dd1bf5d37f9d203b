/*
 * commands.h: maintctl's commands, for main.c's table.  Each is defined
 * in the file of its group: window.c (list, show), window_edit.c (create,
 * update), lifecycle.c (start, complete, cancel, delete), status.c
 * (status, gateways), series.c (and window_edit.c: series update),
 * settings.c, audit.c, sessions.c, superadmins.c
 * (superadmin and bypass-keys), run.c, calendar.c, notify.c (notify
 * targets and target ...) and notify_deliveries.c.
 */

#ifndef CTL_COMMANDS_H
#define CTL_COMMANDS_H

#include "maintctl.h"


extern const ctl_cmd_t  ctl_cmd_window_list;
extern const ctl_cmd_t  ctl_cmd_window_show;
extern const ctl_cmd_t  ctl_cmd_window_create;
extern const ctl_cmd_t  ctl_cmd_window_update;
extern const ctl_cmd_t  ctl_cmd_window_start;
extern const ctl_cmd_t  ctl_cmd_window_complete;
extern const ctl_cmd_t  ctl_cmd_window_cancel;
extern const ctl_cmd_t  ctl_cmd_window_delete;
extern const ctl_cmd_t  ctl_cmd_series_list;
extern const ctl_cmd_t  ctl_cmd_series_show;
extern const ctl_cmd_t  ctl_cmd_series_update;
extern const ctl_cmd_t  ctl_cmd_series_skip;
extern const ctl_cmd_t  ctl_cmd_series_delete;
extern const ctl_cmd_t  ctl_cmd_status;
extern const ctl_cmd_t  ctl_cmd_gateways;
extern const ctl_cmd_t  ctl_cmd_settings_show;
extern const ctl_cmd_t  ctl_cmd_settings_set;
extern const ctl_cmd_t  ctl_cmd_audit;
extern const ctl_cmd_t  ctl_cmd_sessions_list;
extern const ctl_cmd_t  ctl_cmd_sessions_show;
extern const ctl_cmd_t  ctl_cmd_sessions_end;
extern const ctl_cmd_t  ctl_cmd_sessions_end_all;
extern const ctl_cmd_t  ctl_cmd_superadmin_list;
extern const ctl_cmd_t  ctl_cmd_superadmin_add;
extern const ctl_cmd_t  ctl_cmd_superadmin_remove;
extern const ctl_cmd_t  ctl_cmd_superadmin_rotate;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_list;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_rotate;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_remove;
extern const ctl_cmd_t  ctl_cmd_run;
extern const ctl_cmd_t  ctl_cmd_calendar;
extern const ctl_cmd_t  ctl_cmd_notify_targets;
extern const ctl_cmd_t  ctl_cmd_notify_target_add;
extern const ctl_cmd_t  ctl_cmd_notify_target_show;
extern const ctl_cmd_t  ctl_cmd_notify_target_edit;
extern const ctl_cmd_t  ctl_cmd_notify_target_rm;
extern const ctl_cmd_t  ctl_cmd_notify_target_rotate;
extern const ctl_cmd_t  ctl_cmd_notify_deliveries;
extern const ctl_cmd_t  ctl_cmd_notify_redeliver;


#endif /* CTL_COMMANDS_H */
