package io.github.stylegan4fiji.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtaTest {

	@Test
	void remainingTimeFromTheRateSoFarPerStage() {
		Eta e = new Eta();
		long s = 1_000_000_000L;
		assertEquals("", e.remaining("FID", 0, 50_000, 0));
		assertEquals("", e.remaining("FID", 64, 50_000, s)); // under two seconds: no guess yet
		assertEquals(Double.NaN, e.secondsLeft());
		assertEquals(", about 1.5 h left", e.remaining("FID", 64, 50_000, 7 * s)); // 64 images in 7 s: 49,936 more take ≈ 5,462 s
		assertEquals(49_936 * 7.0 / 64, e.secondsLeft(), 1e-6); // 64 images in the 7 s since the stage began
		assertEquals(", about 10 s left", e.remaining("PPL", 0, 100, 10 * s) + e.remaining("PPL", 50, 100, 20 * s));
		assertEquals("", e.remaining("PPL", 100, 100, 30 * s)); // done
		assertEquals("", e.remaining("PPL", 10, 100, 31 * s)); // went back: a new run of the stage
		assertEquals("2 min", Eta.format(120));
	}
}
