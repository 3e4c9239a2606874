// The Camel CLI's entry point has no main(); run(...) ends the JVM with System.exit, so this runs in its own process.
public class Camel {
    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
