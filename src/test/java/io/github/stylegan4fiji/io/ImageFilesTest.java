package io.github.stylegan4fiji.io;

import ij.ImagePlus;
import ij.io.Opener;
import io.github.stylegan4fiji.sampling.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFilesTest {

	@TempDir
	Path dir;

	/** Images whose every value says which image, channel and pixel it is. */
	private static Images numbered(int first, int count, int channels, int size) {
		float[] data = new float[count * channels * size * size];
		for (int i = 0; i < data.length; i++) data[i] = (first * channels * size * size + i) * 1e-3f;
		return new Images(count, channels, size, size, data);
	}

	@Test
	void aStreamedStackIsWrittenBatchByBatchAndReadsBackAsTheWholeStack() throws Exception {
		int n = 10, channels = 2, size = 4, batch = 4;
		List<Integer> rendered = new ArrayList<>();
		ImagePlus streamed = ImageFiles.streamedFloatStack(n, channels, size, size, batch, (first, count) -> {
			rendered.add(first);
			return numbered(first, count, channels, size);
		}, "streamed");
		Path tif = dir.resolve("s.tif");
		ImageFiles.saveTiff(streamed, tif);
		assertEquals(List.of(0, 4, 8), rendered, "each batch rendered once, in order");

		ImagePlus back = new Opener().openImage(tif.toString());
		assertEquals(n * channels, back.getStackSize());
		assertEquals(channels, back.getNChannels());
		assertEquals(n, back.getNFrames());
		ImagePlus whole = ImageFiles.floatStack(numbered(0, n, channels, size), "whole");
		for (int s = 1; s <= n * channels; s++)
			assertArrayEquals((float[]) whole.getStack().getPixels(s), (float[]) back.getStack().getPixels(s), 0f, "slice " + s);
	}
}
