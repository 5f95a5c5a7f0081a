// The one place where the double would charge real xCAT's time (docs/xcat-behaviour.md#timings
// and daemon latency": a CLI call ~0.155 s, xcatd start → first answer ~1.80 s, bulk chdef ~1.5 ms
// per node, makeconservercf per node). Not modelled yet: every charge is free. A cost model only has to
// replace the body of charge(); the callers already say what is being paid for and how many units.
export type Cost =
	/** one client command sent to xcatd (units: 1) */
	| 'call'
	/** xcatd loading its plugins before it answers (units: 1) */
	| 'xcatd-start'
	/** objects written by one chdef/mkdef (units: objects) */
	| 'define-object'
	/** consoles written by one makeconservercf (units: nodes) */
	| 'console';

export function charge(_what: Cost, _units = 1): void {
	// free until the lead decides the model (CI time)
}
