package dev.manimgrpo.policy.hf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A model folder on the local file system. */
public final class LocalModelFolder implements ModelFolder {

  private final Path directory;

  public LocalModelFolder(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public ModelFolder at(String location) {
    String path = location.startsWith("file:") ? java.net.URI.create(location).getPath() : location;
    return new LocalModelFolder(directory.resolve(path));
  }

  @Override
  public boolean exists(String fileName) {
    return Files.isRegularFile(directory.resolve(fileName));
  }

  @Override
  public RandomAccessInput open(String fileName) throws IOException {
    Path file = directory.resolve(fileName);
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("no file " + fileName + " in model folder " + directory);
    }
    return LocalFileInput.open(file);
  }
}
