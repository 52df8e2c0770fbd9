package io.github.stylegan4fiji.core;

import io.github.stylegan4fiji.train.TrainingOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ChoicesTest {

	@Test
	void modesByKeyWithAMessageListingThem() {
		assertEquals(TrainingOptions.Loss.WGAN_GP, TrainingOptions.Loss.parse(" WGAN-gp "));
		assertEquals(TrainingOptions.ClassSampling.BALANCED, TrainingOptions.ClassSampling.parse("balanced"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.ClassSampling.parse("Uniform"));
		assertEquals("class sampling must be natural or balanced, not 'uniform'", e.getMessage());
	}

	@Test
	void optionFilesKeepTheirKeysAndReadEarlierSpellings() {
		TrainingOptions o = new TrainingOptions();
		o.classSampling = TrainingOptions.ClassSampling.BALANCED;
		assertTrue(Json.GSON.toJson(o).contains("\"class_sampling\": \"balanced\""));
		String early = Json.GSON.toJson(o).replace("\"balanced\"", "\"BALANCED\""); // as written before the key was fixed
		assertEquals(TrainingOptions.ClassSampling.BALANCED, Json.GSON.fromJson(early, TrainingOptions.class).classSampling);
	}
}
