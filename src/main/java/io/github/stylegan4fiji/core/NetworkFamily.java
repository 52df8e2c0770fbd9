package io.github.stylegan4fiji.core;

/**
 * Builds the networks an architecture describes. One family today (StyleGAN, the paper's G_style and
 * D_basic); a second family or conditional variants are added here, selected by a field of
 * {@link StyleGanConfig}, without touching the commands, the trainer's loop or the file format.
 */
public final class NetworkFamily {

	private NetworkFamily() {}

	public static GeneratorNetwork generator(StyleGanConfig config) {
		return new Generator(config);
	}

	public static DiscriminatorNetwork discriminator(StyleGanConfig config) {
		return new Discriminator(config);
	}
}
