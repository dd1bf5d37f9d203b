/*
 * ticker.h: automatic starts and ends, recorded once a second (ticker.c).
 */

#ifndef ADM_TICKER_H
#define ADM_TICKER_H


void adm_tick(void);


#endif /* ADM_TICKER_H */
