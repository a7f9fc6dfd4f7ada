// Reads {"patterns": {name: pattern}, "events": {name: event}} on stdin and prints
// {eventName: [names of matching patterns, sorted]} using event-ruler's Machine, the
// matching engine EventBridge itself is built on.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

public class MatchPatterns {
  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode input = mapper.readTree(System.in);
    Machine machine = new Machine();
    for (Iterator<Map.Entry<String, JsonNode>> it = input.get("patterns").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> p = it.next();
      machine.addRule(p.getKey(), mapper.writeValueAsString(p.getValue()));
    }
    ObjectNode out = mapper.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = input.get("events").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> matched = new ArrayList<>(machine.rulesForJSONEvent(mapper.writeValueAsString(e.getValue())));
      Collections.sort(matched);
      out.set(e.getKey(), mapper.valueToTree(matched));
    }
    System.out.println(mapper.writeValueAsString(out));
  }
}
