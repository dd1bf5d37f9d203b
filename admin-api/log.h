/*
 * log.h: maint-admind's logs and clock.
 *
 *   log.c        structured logs (JSON lines on standard error), the
 *                level they are cut at, and the wall clock
 */

#ifndef ADM_LOG_H
#define ADM_LOG_H


enum { ADM_LOG_DEBUG = 0, ADM_LOG_INFO, ADM_LOG_WARN, ADM_LOG_ERROR };

/* fields: a json_pack() format for an object, then its arguments, or NULL */
void adm_log(int level, const char *msg, const char *fields, ...);
int adm_log_level(const char *name);
const char *adm_log_level_name(int level);
void adm_log_set_level(int level);
double adm_clock(void);


#endif /* ADM_LOG_H */
